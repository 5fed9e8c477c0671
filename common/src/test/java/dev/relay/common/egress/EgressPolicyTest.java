package dev.relay.common.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.EgressCorpus;

/** The egress policy as pure logic: the address corpus, ports, the operator's rules, one lookup per check. */
class EgressPolicyTest {

    private final EgressPolicy defaults = new EgressPolicy(EgressRules.DEFAULT, EgressCorpus::resolve);

    @Test
    void everySpellingOfAnInsideDestinationIsRefusedAndPublicOnesAreNot() {
        assertThat(EgressCorpus.misjudged(host -> refused(defaults, host, 443))).isEmpty();
        assertThat(EgressCorpus.SPELLINGS).hasSizeGreaterThan(140);
    }

    @Test
    void hostsAreReadInEverySpelling() {
        assertThat(HostNames.parse("0x7f000001").name()).isEqualTo("127.0.0.1");
        assertThat(HostNames.parse("017700000001").name()).isEqualTo("127.0.0.1");
        assertThat(HostNames.parse("127.1").name()).isEqualTo("127.0.0.1");
        assertThat(HostNames.parse("2130706433").name()).isEqualTo("127.0.0.1");
        assertThat(HostNames.parse("[::ffff:127.0.0.1]").name()).isEqualTo("127.0.0.1");
        assertThat(HostNames.parse("１２７.０.０.１").name()).isEqualTo("127.0.0.1");
        assertThat(HostNames.parse("WWW.Example.COM.").name()).isEqualTo("www.example.com");
        assertThat(HostNames.parse("bücher.example").name()).isEqualTo("xn--bcher-kva.example");
        assertThat(HostNames.parse("LOCALHOST.").isLocalhost()).isTrue();
        assertThat(HostNames.parse("[::1]").literal().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> HostNames.parse("[127.0.0.1]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheConfiguredPortsAreLetThrough() throws Exception {
        assertThat(defaults.check("www.example.test", 443).port()).isEqualTo(443);
        assertThat(defaults.check("www.example.test", 80).port()).isEqualTo(80);
        for (int port : new int[] {22, 25, 6379, 8080, 8443, 0, 65536}) {
            assertThat(refused(defaults, "www.example.test", port)).as("port %d", port).isTrue();
        }
        EgressPolicy wider = new EgressPolicy(EgressRules.DEFAULT.withPorts("443", "8000-8099"), EgressCorpus::resolve);
        assertThat(refused(wider, "www.example.test", 8080)).isFalse();
        assertThat(refused(wider, "www.example.test", 80)).isTrue();
    }

    @Test
    void theOperatorAllowsAndDeniesRangesAndHosts() throws Exception {
        EgressPolicy loopback = new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32"), EgressCorpus::resolve);
        assertThat(loopback.check("public.example.test", 443).address().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(refused(loopback, "127.0.0.2", 443)).as("only the range allowed").isTrue();
        assertThat(refused(loopback, "::1", 443)).isTrue();
        assertThat(refused(loopback, "10.0.0.1", 443)).isTrue();

        EgressPolicy rules = new EgressPolicy(EgressRules.parse(List.of("443"), List.of("10.20.0.0/16"),
                List.of("93.184.0.0/16", "10.20.30.0/24"), List.of("*.corp.example", "metadata.google.internal"),
                List.of("*.evil.example", "www.example.test")), name -> switch (name) {
                    case "api.corp.example" -> List.of(InetAddress.getByName("10.9.8.7"));
                    case "x.evil.example" -> List.of(InetAddress.getByName("1.1.1.1"));
                    default -> EgressCorpus.resolve(name);
                });
        assertThat(refused(rules, "10.20.1.1", 443)).as("allowed range").isFalse();
        assertThat(refused(rules, "10.20.30.1", 443)).as("a denied range wins over an allowed one").isTrue();
        assertThat(refused(rules, "[::ffff:10.20.30.1]", 443)).isTrue();
        assertThat(refused(rules, "93.184.215.14", 443)).as("denied public range").isTrue();
        assertThat(refused(rules, "api.corp.example", 443)).as("an allowed host may point inside").isFalse();
        assertThat(refused(rules, "x.evil.example", 443)).as("denied host").isTrue();
        assertThat(refused(rules, "WWW.example.test.", 443)).as("denied host, other spelling").isTrue();
        assertThat(rules.refusesName("metadata.google.internal")).as("allowed special-use name").isFalse();
        assertThat(rules.refusesName("other.internal")).isTrue();
    }

    @Test
    void aNameIsResolvedOnceAndTheCheckedAddressIsTheDestination() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        EgressPolicy counting = new EgressPolicy(EgressRules.DEFAULT, name -> {
            lookups.incrementAndGet();
            return EgressCorpus.resolve(name);
        });
        Destination destination = counting.check(URI.create("https://www.example.test/path"));
        assertThat(lookups).hasValue(1);
        assertThat(destination.host()).isEqualTo("www.example.test");
        assertThat(destination.address().getHostAddress()).isEqualTo("93.184.215.14");
        assertThat(destination.socketAddress().isUnresolved()).isFalse();
        assertThat(destination.socketAddress().getHostString()).isEqualTo("www.example.test");
        assertThat(destination.hostHeader(true)).isEqualTo("www.example.test");
        assertThat(counting.check("[2606:4700:4700::1111]", 80).hostHeader(false)).isEqualTo("[2606:4700:4700:0:0:0:0:1111]");
        assertThat(lookups).as("literals are not looked up").hasValue(1);
    }

    @Test
    void aRefusalIsOneNeutralAnswer() {
        for (String host : List.of("127.0.0.1", "public.example.test", "169.254.169.254", "[fd00::1]", "localhost")) {
            assertThatThrownBy(() -> defaults.check(host, 443)).isInstanceOf(EgressRefused.class)
                    .hasMessage("destination not allowed by the egress policy");
        }
        assertThatThrownBy(() -> defaults.check("www.example.test", 22)).hasMessage(EgressRefused.MESSAGE);
        assertThatThrownBy(() -> defaults.check(URI.create("file:///etc/passwd"))).hasMessage(EgressRefused.MESSAGE);
    }

    @Test
    void aUrlSetForLaterIsJudgedWithoutLookingItUp() {
        EgressPolicy noLookups = new EgressPolicy(EgressRules.DEFAULT, name -> {
            throw new AssertionError("looked up " + name);
        });
        assertThat(noLookups.refusesOnItsFace(URI.create("http://127.0.0.1/hook"))).isTrue();
        assertThat(noLookups.refusesOnItsFace(URI.create("http://[::ffff:a9fe:a9fe]/latest/meta-data"))).isTrue();
        assertThat(noLookups.refusesOnItsFace(URI.create("https://localhost./hook"))).isTrue();
        assertThat(noLookups.refusesOnItsFace(URI.create("https://hooks.example.com:22/"))).isTrue();
        assertThat(noLookups.refusesOnItsFace(URI.create("https://svc.cluster.local/"))).isTrue();
        assertThat(noLookups.refusesOnItsFace(URI.create("https://hooks.example.com/relay"))).isFalse();
    }

    @Test
    void lookupsWithholdTheAddressesThatLeadInside() throws Exception {
        assertThat(defaults.allowedAddresses("rebind.example.test")).extracting(InetAddress::getHostAddress).containsExactly("93.184.215.14");
        assertThat(defaults.allowedAddresses("public.example.test")).isEmpty();
        assertThat(defaults.allowedAddresses("localhost")).isEmpty();
        assertThat(defaults.allowedAddresses("kubernetes.default.svc.cluster.local")).isEmpty();
        assertThatThrownBy(() -> defaults.allowedAddresses("no-such-name.example.test")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void rangesParse() throws Exception {
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("10.255.0.1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("172.16.0.0/12").contains(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(InetAddress.getByName("[fd12::1]"))).isTrue();
        assertThat(Cidr.parse("1.2.3.4").contains(InetAddress.getByName("1.2.3.4"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EgressRules.DEFAULT.withPorts("0")).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean refused(EgressPolicy policy, String host, int port) {
        try {
            policy.check(host, port);
            return false;
        } catch (EgressRefused | UnknownHostException refused) {
            return true;
        }
    }
}
