package dev.relay.task.agent.tools;

import java.net.UnknownHostException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.egress.Destination;
import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressRefused;

/**
 * {@code tls_inspect}: connects to a TLS server and reports what it presents — protocol, cipher suite, the
 * certificate chain with its dates and names — and whether the chain is trusted by the JDK's trust store (a chain
 * that is not is still reported: that is what one inspects it for). Only destinations the egress policy lets through
 * are reached, at the address it checked; every failure to get a handshake reads the same, so the tool cannot tell a
 * closed port from a filtered one or a server that speaks no TLS.
 */
class TlsInspectTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int timeoutMillis;
    private final X509TrustManager trusted;
    private final EgressPolicy egress;

    TlsInspectTool(int timeoutMillis, EgressPolicy egress) {
        this(timeoutMillis, defaultTrust(), egress);
    }

    /** With the trust store a chain is judged by (the JDK's by default). */
    TlsInspectTool(int timeoutMillis, X509TrustManager trusted, EgressPolicy egress) {
        this.timeoutMillis = timeoutMillis;
        this.trusted = trusted;
        this.egress = egress;
    }

    @Override
    public String name() {
        return "tls_inspect";
    }

    @Override
    public String description() {
        return "Connects to a TLS server (host, port 443 by default) and reports its protocol, cipher suite, certificate "
                + "chain (subjects, issuers, validity, names, days left) and whether the chain is trusted.";
    }

    @Override
    public ObjectNode parameters() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        schema.putArray("required").add("host");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("host").put("type", "string");
        properties.putObject("port").put("type", "integer").put("minimum", 1).put("maximum", 65535);
        return schema;
    }

    @Override
    public boolean mayChange() {
        return false;
    }

    @Override
    public ToolResult call(JsonNode arguments, Map<String, String> secrets) throws Exception {
        String host = arguments.path("host").asText("");
        int port = arguments.path("port").asInt(443);
        if (host.isBlank() || host.contains("/") || port < 1 || port > 65535) {
            return ToolResult.failed("'host' must be a host name and 'port' a port number");
        }
        Destination destination;
        try {
            destination = egress.check(host, port);
        } catch (EgressRefused refused) {
            return ToolResult.failed(refused.getMessage());
        } catch (UnknownHostException unknown) {
            return ToolResult.failed(noHandshake(host, port));
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AcceptAll()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            CallDeadline.closeOnExpiry(socket);
            socket.connect(destination.socketAddress(), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            SSLParameters parameters = socket.getSSLParameters();
            if (!destination.literal()) {
                parameters.setServerNames(List.of(new SNIHostName(destination.host())));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return ToolResult.ok(report(host, port, socket.getSession()));
        } catch (java.io.IOException | IllegalArgumentException unreachable) {
            return ToolResult.failed(noHandshake(host, port));
        }
    }

    /** The one answer for no handshake, whatever the reason (refused, timed out, not TLS, no such host). */
    private static String noHandshake(String host, int port) {
        return "no TLS handshake with " + host + ":" + port;
    }

    private String report(String host, int port, SSLSession session) throws Exception {
        ObjectNode report = JSON.createObjectNode().put("host", host).put("port", port)
                .put("protocol", session.getProtocol()).put("cipher_suite", session.getCipherSuite());
        Certificate[] peer = session.getPeerCertificates();
        X509Certificate[] chain = new X509Certificate[peer.length];
        for (int i = 0; i < peer.length; i++) {
            chain[i] = (X509Certificate) peer[i];
        }
        try {
            trusted.checkServerTrusted(chain, "UNKNOWN");
            report.put("trusted", true);
        } catch (CertificateException untrusted) {
            report.put("trusted", false).put("trust_problem", String.valueOf(untrusted.getMessage()));
        }
        ArrayNode certificates = report.putArray("certificates");
        Instant now = Instant.now();
        for (X509Certificate certificate : chain) {
            ObjectNode entry = certificates.addObject()
                    .put("subject", certificate.getSubjectX500Principal().getName())
                    .put("issuer", certificate.getIssuerX500Principal().getName())
                    .put("not_before", certificate.getNotBefore().toInstant().toString())
                    .put("not_after", certificate.getNotAfter().toInstant().toString())
                    .put("days_left", Duration.between(now, certificate.getNotAfter().toInstant()).toDays());
            if (certificate.getSubjectAlternativeNames() != null) {
                ArrayNode names = entry.putArray("names");
                certificate.getSubjectAlternativeNames().forEach(name -> names.add(String.valueOf(name.get(1))));
            }
        }
        return report.toString();
    }

    private static X509TrustManager defaultTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 trust manager");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets the handshake finish whatever the chain, so an untrusted or expired one can be reported. */
    private static final class AcceptAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
