package dev.asyncio4j.ssh.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * One version of a regular file, for caches of what a file parses to (known_hosts, client keys): its
 * contents are taken to be unchanged while its path, inode, modification time and size all are.
 *
 * @param file          the absolute path
 * @param fileKey       the file system's identity of the file (the inode on Unix), or {@code null}
 * @param modifiedNanos the modification time
 * @param size          the size in bytes
 */
record FileVersion(Path file, Object fileKey, long modifiedNanos, long size) {
    /**
     * Returns the current version of a file.
     *
     * @param file the file
     * @return its version, or {@code null} if nothing is at that path
     * @throws IOException if something other than a regular file is there, or its attributes cannot be read
     */
    static FileVersion of(Path file) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!attrs.isRegularFile()) {
            throw new IOException(file + " is not a regular file");
        }
        return new FileVersion(file.toAbsolutePath(), attrs.fileKey(), attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                attrs.size());
    }
}
