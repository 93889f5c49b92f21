package io.camelpipelines.flights;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules of one robots.txt (RFC 9309) that apply to one crawler: the groups naming its product token, or else the
 * {@code *} groups; the longest matching Allow/Disallow pattern decides, Allow on a tie; {@code *} and a trailing
 * {@code $} in patterns work as the RFC says.
 */
final class RobotsRules {

    static final RobotsRules ALLOW_ALL = new RobotsRules(List.of());

    private record Rule(boolean allow, int length, Pattern pattern) {
    }

    private final List<Rule> rules;

    private RobotsRules(List<Rule> rules) {
        this.rules = rules;
    }

    /** The rules of {@code robotsTxt} for a crawler sending {@code userAgent} ("flights-scraper/1.0 (+url)"). */
    static RobotsRules parse(String robotsTxt, String userAgent) {
        String token = productToken(userAgent);
        List<Rule> mine = new ArrayList<>();
        List<Rule> any = new ArrayList<>();
        boolean mineSeen = false;
        List<String> agents = new ArrayList<>();
        List<Rule> groupRules = new ArrayList<>();
        boolean inAgents = false;
        for (String line : robotsTxt.split("\r\n|\r|\n")) {
            int hash = line.indexOf('#');
            String l = (hash >= 0 ? line.substring(0, hash) : line).trim();
            int colon = l.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).trim();
            if (key.equals("user-agent")) {
                if (!inAgents) {
                    // a user-agent line after rules opens the next group
                    agents = new ArrayList<>();
                    groupRules = new ArrayList<>();
                    inAgents = true;
                }
                String agent = value.toLowerCase(Locale.ROOT);
                agents.add(agent);
                if (agent.equals(token)) {
                    mineSeen = true;
                    groupRules = mine;
                } else if (agent.equals("*") && groupRules != mine) {
                    groupRules = any;
                }
            } else if (key.equals("allow") || key.equals("disallow")) {
                inAgents = false;
                if (!agents.isEmpty() && !value.isEmpty()) {
                    groupRules.add(new Rule(key.equals("allow"), value.length(), compile(value)));
                }
            }
        }
        return new RobotsRules(List.copyOf(mineSeen ? mine : any));
    }

    boolean allows(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        Rule best = null;
        for (Rule r : rules) {
            if (r.pattern().matcher(path).lookingAt()
                    && (best == null || r.length() > best.length() || r.length() == best.length() && r.allow())) {
                best = r;
            }
        }
        return best == null || best.allow();
    }

    private static Pattern compile(String pattern) {
        boolean anchored = pattern.endsWith("$");
        String body = anchored ? pattern.substring(0, pattern.length() - 1) : pattern;
        StringBuilder regex = new StringBuilder();
        for (String part : body.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            if (!part.isEmpty()) {
                regex.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(regex + (anchored ? "$" : ""), Pattern.DOTALL);
    }

    private static String productToken(String userAgent) {
        String ua = userAgent == null ? "" : userAgent.trim();
        int end = 0;
        while (end < ua.length() && (Character.isLetterOrDigit(ua.charAt(end)) || ua.charAt(end) == '-'
                || ua.charAt(end) == '_')) {
            end++;
        }
        return ua.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
