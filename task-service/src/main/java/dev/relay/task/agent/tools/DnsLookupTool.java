package dev.relay.task.agent.tools;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.egress.EgressPolicy;

/**
 * {@code dns_lookup}: a host name's A, AAAA (through the egress policy's resolver), CNAME, MX, NS or TXT records (the
 * JDK's DNS client). Answers the egress policy would not let a connection reach are withheld — addresses inside,
 * names under {@code localhost}, {@code .local}, {@code .internal} — and a name with none left reads as one with none.
 */
class DnsLookupTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.?");
    private static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME", "MX", "NS", "TXT");
    /** The types whose answers are host names (the last word), withheld when the policy refuses that name. */
    private static final Set<String> NAME_VALUED = Set.of("CNAME", "MX", "NS");
    private static final String NONE = "no such host, or no answer the egress policy lets through";

    private final int timeoutMillis;
    private final EgressPolicy egress;

    DnsLookupTool(int timeoutMillis, EgressPolicy egress) {
        this.timeoutMillis = timeoutMillis;
        this.egress = egress;
    }

    @Override
    public String name() {
        return "dns_lookup";
    }

    @Override
    public String description() {
        return "Looks up the DNS records of a host name: A (default), AAAA, CNAME, MX, NS or TXT.";
    }

    @Override
    public ObjectNode parameters() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        schema.putArray("required").add("name");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("name").put("type", "string").put("description", "The host name, e.g. example.com");
        properties.putObject("type").put("type", "string").putArray("enum").add("A").add("AAAA").add("CNAME").add("MX").add("NS").add("TXT");
        return schema;
    }

    @Override
    public boolean mayChange() {
        return false;
    }

    @Override
    public ToolResult call(JsonNode arguments, Map<String, String> secrets) {
        String name = arguments.path("name").asText("");
        String type = arguments.path("type").asText("A").toUpperCase();
        if (!HOST.matcher(name).matches()) {
            return ToolResult.failed("'name' must be a host name");
        }
        if (!TYPES.contains(type)) {
            return ToolResult.failed("'type' must be one of " + TYPES);
        }
        List<String> records = new ArrayList<>();
        try {
            if (type.equals("A") || type.equals("AAAA")) {
                for (InetAddress address : egress.allowedAddresses(name)) {
                    if (type.equals("A") ? address instanceof Inet4Address : address instanceof Inet6Address) {
                        records.add(address.getHostAddress());
                    }
                }
            } else if (!egress.refusesName(name)) {
                for (String record : query(name, type)) {
                    String[] parts = record.strip().split("\\s+");
                    if (!NAME_VALUED.contains(type) || !egress.refusesName(parts[parts.length - 1])) {
                        records.add(record);
                    }
                }
            }
        } catch (UnknownHostException | NameNotFoundException notFound) {
            records.clear();
        } catch (NamingException failed) {
            return ToolResult.failed("the DNS query for " + name + " " + type + " failed: " + failed.getClass().getSimpleName());
        }
        return ToolResult.ok(answer(name, type, records, records.isEmpty() ? NONE : null));
    }

    private List<String> query(String name, String type) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("com.sun.jndi.dns.timeout.initial", String.valueOf(timeoutMillis / 2));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        InitialDirContext context = new InitialDirContext(env);
        try {
            List<String> values = new ArrayList<>();
            Attribute attribute = context.getAttributes(name, new String[] {type}).get(type);
            if (attribute != null) {
                NamingEnumeration<?> all = attribute.getAll();
                while (all.hasMore()) {
                    values.add(String.valueOf(all.next()));
                }
            }
            return values;
        } finally {
            context.close();
        }
    }

    private static String answer(String name, String type, List<String> records, String note) {
        ObjectNode answer = JSON.createObjectNode().put("name", name).put("type", type);
        records.forEach(answer.putArray("records")::add);
        if (note != null) {
            answer.put("note", note);
        }
        return answer.toString();
    }
}
