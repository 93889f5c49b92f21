package io.camelpipelines.infra;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;


/** A TLS context that trusts exactly the CA certificates of one PEM file (a service's own CA, not the JDK's). */
public final class TrustedCertificates {

    private TrustedCertificates() {
    }

    public static SSLContext sslContext(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new StartupFailure("No certificate in " + caPem + " (a PEM file of CA certificates is expected)");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (StartupFailure e) {
            throw e;
        } catch (Exception e) {
            throw new StartupFailure("Cannot read the CA certificate file " + caPem + ": " + e.getMessage(), e);
        }
    }
}
