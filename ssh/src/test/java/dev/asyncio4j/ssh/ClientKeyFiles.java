package dev.asyncio4j.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * A fresh RSA client key for tests against {@code SSH.listen}: the private key as PKCS#8 PEM, the
 * public one as an authorized_keys line.
 *
 * @param privateKey     the private key file
 * @param authorizedKeys an authorized_keys file holding the public key
 */
record ClientKeyFiles(Path privateKey, Path authorizedKeys) {
    /** Writes {@code id_rsa} and {@code authorized_keys} into {@code dir}. */
    static ClientKeyFiles create(Path dir) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        Path key = dir.resolve("id_rsa");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Path authorized = dir.resolve("authorized_keys");
        Files.writeString(authorized, PublicKeyEntry.toString(kp.getPublic()) + " test\n");
        return new ClientKeyFiles(key, authorized);
    }
}
