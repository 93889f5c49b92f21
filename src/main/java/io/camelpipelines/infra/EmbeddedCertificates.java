package io.camelpipelines.infra;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of its own and one server certificate it signed (for localhost and the embedded host), made
 * once with the JDK's keytool under {@code <data-dir>/certs} and kept: the embedded services speak TLS with it and
 * their clients trust {@link #caPem()} only, exactly as they would trust a real cluster's CA file.
 */
public final class EmbeddedCertificates {

    private final Path dir;
    private final String host;

    public EmbeddedCertificates(Path dir, String host) {
        this.dir = dir;
        this.host = host;
    }

    /** Makes the CA and the server certificate unless an earlier start already did. */
    public synchronized EmbeddedCertificates ensure() throws Exception {
        if (Files.exists(dir.resolve("keystore-password"))) {
            return this;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempDirectory(dir, "new");
        String pass = UUID.randomUUID().toString();
        Path ca = tmp.resolve("ca.p12");
        Path server = tmp.resolve("server.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=camel-pipelines embedded CA", "-ext", "bc:c", "-keystore", ca.toString(),
                "-storetype", "PKCS12", "-storepass", pass);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pass,
                "-file", tmp.resolve("ca.pem").toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=" + host, "-keystore", server.toString(), "-storetype", "PKCS12", "-storepass", pass);
        keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", pass,
                "-file", tmp.resolve("server.csr").toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pass, "-validity", "3650",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1" + (host.matches("[0-9.]+") ? ",ip:" + host : ",dns:" + host),
                "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth,clientAuth", "-rfc",
                "-infile", tmp.resolve("server.csr").toString(), "-outfile", tmp.resolve("server.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", tmp.resolve("ca.pem").toString(),
                "-keystore", server.toString(), "-storepass", pass);
        keytool("-importcert", "-alias", "server", "-file", tmp.resolve("server.pem").toString(),
                "-keystore", server.toString(), "-storepass", pass);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(server)) {
            ks.load(in, pass.toCharArray());
        }
        byte[] key = ks.getKey("server", pass.toCharArray()).getEncoded();
        Files.writeString(tmp.resolve("server-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key)
                + "\n-----END PRIVATE KEY-----\n");
        Files.writeString(tmp.resolve("keystore-password"), pass);
        Files.delete(ca);
        Files.delete(tmp.resolve("server.csr"));
        for (String f : List.of("server.p12", "server-key.pem", "keystore-password")) {
            Files.setPosixFilePermissions(tmp.resolve(f), PosixFilePermissions.fromString("rw-------"));
        }
        // the password file last: its presence says the set is complete
        for (String f : List.of("ca.pem", "server.pem", "server.p12", "server-key.pem", "keystore-password")) {
            Files.move(tmp.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.delete(tmp);
        return this;
    }

    /** The CA certificate clients trust. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The server certificate (PEM), signed by the CA. */
    public Path serverCertificatePem() {
        return dir.resolve("server.pem");
    }

    /** The server's private key, unencrypted PKCS#8 PEM, readable by its owner only. */
    public Path serverKeyPem() {
        return dir.resolve("server-key.pem");
    }

    /** The server's key and certificate chain as a PKCS12 keystore. */
    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    public String keystorePassword() throws java.io.IOException {
        return Files.readString(dir.resolve("keystore-password")).trim();
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new StartupFailure("keytool " + args[0] + " failed making the embedded services' certificates: "
                    + out.trim());
        }
    }
}
