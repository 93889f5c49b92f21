package io.camelpipelines.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Elasticsearch's file realm ({@code users}, {@code users_roles} in its config directory), written the way its
 * {@code elasticsearch-users useradd} tool writes them, without starting that tool's JVM: 2.7 CPU-seconds at every
 * start, on the cores the services and the application are starting on, before the node itself could launch.
 * The password is stored as Elasticsearch's own PBKDF2 hash ({@code {PBKDF2}iterations$salt$key}: HMAC-SHA512,
 * a 32-byte salt, a 256-bit key, each in Base64), which the realm recognises by its prefix.
 */
final class FileRealmUsers {

    static final int ITERATIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileRealmUsers() {
    }

    /** The realm holds exactly this user, with this role; only the files' owner (the node's user) reads them. */
    static void writeOnly(Path conf, String user, String password, String role) throws IOException {
        write(conf.resolve("users"), user + ":" + pbkdf2(password, ITERATIONS) + "\n");
        write(conf.resolve("users_roles"), role + ":" + user + "\n");
    }

    private static void write(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, content);
    }

    static String pbkdf2(String password, int iterations) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        Base64.Encoder base64 = Base64.getEncoder();
        return "{PBKDF2}" + iterations + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(key(password, salt, iterations));
    }

    static byte[] key(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot hash with PBKDF2WithHmacSHA512", e);
        } finally {
            spec.clearPassword();
        }
    }
}
