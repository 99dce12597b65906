package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.ssh.SSHOptions;

/**
 * One hop of OpenSSH's {@code ProxyJump}: {@code [user@]host[:port]} or
 * {@code ssh://[user@]host[:port]}, IPv6 addresses in brackets.
 *
 * @param user the user, or {@code null} (the hop's config, else the local user)
 * @param host the host or alias
 * @param port the port, or {@code null} (the hop's config, else 22)
 */
record JumpHost(String user, String host, Integer port) {

    static JumpHost parse(String spec) {
        String s = spec.startsWith("ssh://") ? spec.substring("ssh://".length()) : spec;
        String user = null;
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            user = s.substring(0, at);
            s = s.substring(at + 1);
        }
        String host = s;
        Integer port = null;
        String portText = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad ProxyJump host '" + spec + "': unclosed [");
            }
            host = s.substring(1, close);
            if (s.length() > close + 1) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad ProxyJump host '" + spec + "'");
                }
                portText = s.substring(close + 2);
            }
        } else if (s.indexOf(':') >= 0) {
            host = s.substring(0, s.indexOf(':'));
            portText = s.substring(s.indexOf(':') + 1);
        }
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad ProxyJump port in '" + spec + "'", e);
            }
        }
        if (host.isEmpty() || (user != null && user.isEmpty())) {
            throw new IllegalArgumentException("bad ProxyJump host '" + spec + "'");
        }
        return new JumpHost(user, host, port);
    }

    /**
     * The options for connecting to this hop: the destination's credentials, config and host key
     * settings, with this hop's user and port (not the destination's) and no further jump.
     */
    SSHOptions options(SSHOptions o) {
        SSHOptions h = SSHOptions.defaults().loginTimeout(o.loginTimeout()).agent(o.agent());
        if (user != null) {
            h = h.username(user);
        }
        if (port != null) {
            h = h.port(port);
        }
        if (o.clientKeys() != null) {
            h = h.clientKeys(o.clientKeys());
        }
        if (o.passphrase() != null) {
            h = h.passphrase(o.passphrase());
        }
        if (o.password() != null) {
            h = h.password(o.password());
        }
        if (o.agentSocket() != null) {
            h = h.agentSocket(o.agentSocket());
        }
        if (!o.useConfig()) {
            h = h.noConfig();
        } else if (o.configFile() != null) {
            h = h.configFile(o.configFile());
        }
        if (o.knownHosts() != null) {
            h = h.knownHosts(o.knownHosts());
        }
        if (o.hostKeyPolicy() != null) {
            h = h.hostKeyPolicy(o.hostKeyPolicy());
        }
        if (o.connectTimeout() != null) {
            h = h.connectTimeout(o.connectTimeout());
        }
        if (o.keepaliveInterval() != null) {
            h = h.keepalive(o.keepaliveInterval(), o.keepaliveCountMax());
        }
        return h;
    }
}
