package dev.asyncio4j.ssh;

import java.time.Instant;

/**
 * The attributes of a remote file, as returned by {@link SFTPClient#stat} and {@link SFTPClient#lstat}.
 *
 * @param size           the size in bytes
 * @param permissions    the permission bits, e.g. {@code 0755} (setuid/setgid/sticky included, file type not)
 * @param modifyTime     the last modification time (second precision on SFTP version 3)
 * @param accessTime     the last access time
 * @param uid            the owner's numeric id
 * @param gid            the group's numeric id
 * @param isDirectory    whether it is a directory
 * @param isRegularFile  whether it is a regular file
 * @param isSymbolicLink whether it is a symbolic link (only {@code lstat} can say so)
 */
public record SFTPAttrs(long size, int permissions, Instant modifyTime, Instant accessTime, int uid, int gid,
        boolean isDirectory, boolean isRegularFile, boolean isSymbolicLink) {
}
