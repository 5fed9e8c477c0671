package dev.relay.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;

/**
 * One service's OCI image, built from scratch with no container engine: layer 1 is the runtime root file system
 * (a jlinked Java runtime under /opt/java and the C libraries it links, prepared by build.sh), layer 2 the Quarkus
 * application's dependencies, layer 3 the application itself, so a code change ships one small layer. With an
 * ahead-of-time cache (JDK 25+, recorded by build.sh from the same files), layer 4 is the cache at {@value #AOT_CACHE}
 * and the entrypoint uses it. Runs as user 10001 (the manifests' runAsUser) on port 8080. Every file's time is Jib's
 * default ({@link FileEntriesLayer#DEFAULT_MODIFICATION_TIME}): the JVM accepts a cache only for jars of the size and
 * time it was recorded with, so build.sh records it from files given that time.
 *
 * <p>Usage: {@code ServiceImage ROOTFS QUARKUS_APP IMAGE (--tar FILE | --registry) [--aot-cache FILE]}; with
 * {@code --registry} the image is pushed to IMAGE's registry with the credentials of Docker's config or a credential
 * helper.
 */
public final class ServiceImage {

    private static final AbsoluteUnixPath APP = AbsoluteUnixPath.get("/app");
    private static final String AOT_CACHE = "/app/app.aot";
    private static final String USAGE = "usage: ServiceImage ROOTFS QUARKUS_APP IMAGE (--tar FILE | --registry) [--aot-cache FILE]";

    private ServiceImage() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            usage();
        }
        Path rootfs = Path.of(args[0]);
        Path app = Path.of(args[1]);
        String image = args[2];
        Path tar = null;
        Path aotCache = null;
        boolean registry = false;
        for (int i = 3; i < args.length; i++) {
            switch (args[i]) {
                case "--registry" -> registry = true;
                case "--tar" -> tar = i + 1 < args.length ? Path.of(args[++i]) : usage();
                case "--aot-cache" -> aotCache = i + 1 < args.length ? Path.of(args[++i]) : usage();
                default -> usage();
            }
        }
        if (registry == (tar != null)) {
            usage();
        }
        List<String> entrypoint = new ArrayList<>(List.of("/opt/java/bin/java"));
        if (aotCache != null) {
            entrypoint.add("-XX:AOTCache=" + AOT_CACHE);
        }
        entrypoint.addAll(List.of("-jar", "/app/quarkus-run.jar"));
        JibContainerBuilder container = Jib.fromScratch()
                .setFormat(ImageFormat.OCI)
                .setPlatforms(Set.of(new Platform("amd64", "linux")))
                .addFileEntriesLayer(tree("runtime", rootfs, AbsoluteUnixPath.get("/")))
                .addFileEntriesLayer(tree("dependencies", app.resolve("lib"), APP.resolve("lib")))
                .addFileEntriesLayer(application(app))
                .setEntrypoint(entrypoint)
                .setEnvironment(Map.of("JAVA_HOME", "/opt/java", "QUARKUS_HTTP_PORT", "8080", "LANG", "C.UTF-8"))
                .setWorkingDirectory(APP)
                .setUser("10001:10001")
                .setExposedPorts(Set.of(Port.tcp(8080)))
                .setLabels(labels(image))
                .setCreationTime(Instant.EPOCH);
        if (aotCache != null) {
            container.addFileEntriesLayer(FileEntriesLayer.builder().setName("aot-cache")
                    .addEntry(aotCache, AbsoluteUnixPath.get(AOT_CACHE), FilePermissions.DEFAULT_FILE_PERMISSIONS).build());
        }
        Containerizer target = tar != null
                ? Containerizer.to(TarImage.at(tar).named(image))
                : Containerizer.to(RegistryImage.named(ImageReference.parse(image)).addCredentialRetriever(
                        CredentialRetrieverFactory.forImage(ImageReference.parse(image), event -> { }).dockerConfig()));
        JibContainer built = container.containerize(target.setToolName("relay-images"));
        System.out.printf("%s %s%n", image, built.getDigest());
    }

    private static Path usage() {
        System.err.println(USAGE);
        System.exit(2);
        return null;
    }

    /** The application: what changes with every build, apart from its dependencies. */
    private static FileEntriesLayer application(Path app) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("application");
        for (String part : List.of("app", "quarkus")) {
            addTree(layer, app.resolve(part), APP.resolve(part));
        }
        layer.addEntry(app.resolve("quarkus-run.jar"), APP.resolve("quarkus-run.jar"), FilePermissions.DEFAULT_FILE_PERMISSIONS);
        return layer.build();
    }

    private static FileEntriesLayer tree(String name, Path source, AbsoluteUnixPath target) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
        addTree(layer, source, target);
        return layer.build();
    }

    /** Every file and directory under {@code source}, with its own permissions (executables stay executable). */
    private static void addTree(FileEntriesLayer.Builder layer, Path source, AbsoluteUnixPath target) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(source)) {
            walk.sorted().forEach(paths::add);
        }
        for (Path path : paths) {
            Path relative = source.relativize(path);
            if (relative.toString().isEmpty()) {
                continue;
            }
            AbsoluteUnixPath inImage = target.resolve(relative.toString());
            layer.addEntry(path, inImage, FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(path)));
        }
    }

    private static Map<String, String> labels(String image) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", image.replaceAll(".*/|:.*", ""));
        return labels;
    }
}
