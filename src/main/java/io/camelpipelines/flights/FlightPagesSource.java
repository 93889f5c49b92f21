package io.camelpipelines.flights;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fare-pages source: every configured site scraped in turn. A site that fails is one WARN line and the others
 * are still scraped; the poll fails (and is counted) only when every site failed.
 */
public class FlightPagesSource {

    private static final Logger LOG = LoggerFactory.getLogger(FlightPagesSource.class);

    private final FlightPageScraper scraper;
    private final java.util.function.Supplier<List<SiteSelectors>> siteSettings;
    private volatile List<SiteSelectors> sites;

    /** {@code sites} is read at the first poll, so a source switched off needs no site settings. */
    public FlightPagesSource(FlightPageScraper scraper, java.util.function.Supplier<List<SiteSelectors>> sites) {
        this.scraper = scraper;
        this.siteSettings = sites;
    }

    public List<SiteSelectors> sites() {
        if (sites == null) {
            sites = List.copyOf(siteSettings.get());
        }
        return sites;
    }

    public List<Harvested> poll() {
        List<Harvested> found = new ArrayList<>();
        RuntimeException last = null;
        for (SiteSelectors site : sites()) {
            try {
                found.addAll(scraper.scrape(site));
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("flights: site {} could not be scraped this time: {}", site.name(), e.getMessage());
            }
        }
        if (last != null && found.isEmpty()) {
            throw last;
        }
        return found;
    }

    public FlightPageScraper scraper() {
        return scraper;
    }
}
