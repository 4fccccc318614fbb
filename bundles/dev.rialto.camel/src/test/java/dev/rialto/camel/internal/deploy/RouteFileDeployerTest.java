package dev.rialto.camel.internal.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.routes.RouteFileProblem;
import dev.rialto.api.routes.RouteInfo;
import dev.rialto.camel.internal.Await;
import dev.rialto.camel.internal.CamelEngine;
import dev.rialto.camel.internal.registry.ServiceBeanRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.camel.ConsumerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFileDeployerTest {
    @TempDir
    Path deploy;
    CamelEngine engine;
    RouteFileDeployer deployer;
    ConsumerTemplate consumer;

    @BeforeEach
    void start() throws Exception {
        engine = new CamelEngine("test", new ServiceBeanRepository(new MapDirectory()), getClass().getClassLoader(),
                List.of(), new Properties(), 2);
        engine.start();
        deployer = engine.deployer();
        consumer = engine.context().createConsumerTemplate();
        consumer.start();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    static String ticker(String id, String body) {
        return """
                # a test route
                - route:
                    id: %s
                    from:
                      uri: "timer:%s?period=50"
                      steps:
                        - setBody:
                            constant: "%s"
                        - to: "seda:out-%s"
                """.formatted(id, id, body, id);
    }

    @Test
    void deployUpdateAndUndeploy() throws IOException {
        Path file = write("ticker.camel.yaml", ticker("ticker", "v1"));
        deployer.deploy(file);
        assertEquals("v1", receive("ticker"));
        assertEquals(List.of(new RouteInfo("ticker", "file:" + file, "Started", "timer://ticker?period=50")),
                engine.routes());

        write("ticker.camel.yaml", ticker("ticker", "v2"));
        deployer.deploy(file);
        Await.until("v2 from the updated route", 5_000, () -> "v2".equals(receive("ticker")));
        assertEquals(1, engine.routes().size());

        Files.delete(file);
        deployer.undeploy(file);
        assertTrue(engine.routes().isEmpty());
        assertNull(engine.context().getRoute("ticker"));
        assertTrue(deployer.problems().isEmpty());
    }

    @Test
    void updateThatRenamesARouteRemovesTheOldOne() throws IOException {
        Path file = write("ticker.camel.yaml", ticker("first", "a"));
        deployer.deploy(file);
        write("ticker.camel.yaml", ticker("second", "b"));
        deployer.deploy(file);
        assertEquals(List.of("second"), engine.routes().stream().map(RouteInfo::routeId).toList());
        assertEquals("b", receive("second"));
    }

    @Test
    void brokenFileIsReportedWithItsLineAndOthersKeepRunning() throws IOException {
        deployer.deploy(write("good.camel.yaml", ticker("good", "ok")));
        Path broken = write("broken.camel.yaml", """
                - route:
                    id: broken
                    from:
                      uri: "timer:broken"
                      steps:
                        - setBody:
                            constant: "x"
                         - to: "seda:never"
                """);
        deployer.deploy(broken);

        List<RouteFileProblem> problems = deployer.problems();
        assertEquals(1, problems.size());
        assertEquals(broken.toString(), problems.get(0).file());
        assertTrue(problems.get(0).error().contains("line 8"), problems.get(0).error());
        assertFalse(problems.get(0).running());
        assertEquals(List.of("good"), engine.routes().stream().map(RouteInfo::routeId).toList());
        assertEquals("ok", receive("good"));
    }

    @Test
    void unknownStepIsReportedWithItsLine() throws IOException {
        Path broken = write("unknown.camel.yaml", """
                - route:
                    id: unknown
                    from:
                      uri: "timer:unknown"
                      steps:
                        - sendToTheMoon:
                            uri: "seda:never"
                """);
        deployer.deploy(broken);
        String error = deployer.problems().get(0).error();
        assertTrue(error.contains("line 6"), error);
        assertTrue(engine.routes().isEmpty());
    }

    @Test
    void brokenUpdateKeepsThePreviousVersionRunning() throws IOException {
        Path file = write("ticker.camel.yaml", ticker("ticker", "v1"));
        deployer.deploy(file);
        write("ticker.camel.yaml", "- route:\n    id: ticker\n    from: [oops\n");
        deployer.deploy(file);

        RouteFileProblem problem = deployer.problems().get(0);
        assertTrue(problem.running());
        assertEquals("Started", engine.routes().get(0).status());
        assertEquals("v1", receive("ticker"));

        // fixing the file clears the problem
        write("ticker.camel.yaml", ticker("ticker", "v3"));
        deployer.deploy(file);
        assertTrue(deployer.problems().isEmpty());
        Await.until("v3", 5_000, () -> "v3".equals(receive("ticker")));
    }

    @Test
    void updateWhoseRoutesCannotStartRestoresThePreviousVersion() throws IOException {
        Path file = write("ticker.camel.yaml", ticker("ticker", "v1"));
        deployer.deploy(file);
        write("ticker.camel.yaml", ticker("ticker", "v2").replace("seda:out-ticker", "nosuchcomponent:thing"));
        deployer.deploy(file);

        RouteFileProblem problem = deployer.problems().get(0);
        assertTrue(problem.error().contains("nosuchcomponent"), problem.error());
        assertTrue(problem.running());
        assertEquals("Started", engine.routes().get(0).status());
        Await.until("v1 again", 5_000, () -> "v1".equals(receive("ticker")));
    }

    @Test
    void routeIdClashBetweenFilesIsAnErrorNamingTheOwner() throws IOException {
        Path first = write("a.camel.yaml", ticker("shared", "a"));
        deployer.deploy(first);
        Path second = write("b.camel.yaml", ticker("shared", "b"));
        deployer.deploy(second);

        RouteFileProblem problem = deployer.problems().get(0);
        assertEquals(second.toString(), problem.file());
        assertEquals("route id 'shared' is already used by file:" + first, problem.error());
        assertEquals(List.of(new RouteInfo("shared", "file:" + first, "Started", "timer://shared?period=50")),
                engine.routes());
    }

    @Test
    void fileWaitingForABeanIsDeployedWhenTheBeanAppears() throws IOException {
        Path file = write("bean.camel.yaml", """
                - route:
                    id: greeter
                    from:
                      uri: "timer:greeter?period=50"
                      steps:
                        - bean:
                            ref: greeting
                            method: get
                        - to: "seda:out-greeter"
                """);
        deployer.deploy(file);
        assertTrue(deployer.problems().get(0).error().contains("greeting"), deployer.problems().toString());
        assertTrue(engine.routes().isEmpty());

        engine.context().getRegistry().bind("greeting", (Supplier<String>) () -> "hello");
        deployer.retryMissingBeans();
        assertTrue(deployer.problems().isEmpty());
        assertEquals("hello", receive("greeter"));
    }

    @Test
    void syncDeploysTheFolderAndDropsFilesThatAreGone() throws IOException {
        write("one.camel.yaml", ticker("one", "1"));
        Path two = write("two.camel.yaml", ticker("two", "2"));
        write("ignored.yaml", ticker("ignored", "x"));
        write(".hidden.camel.yaml", ticker("hidden", "x"));
        deployer.sync(deploy);
        assertEquals(List.of("one", "two"), engine.routes().stream().map(RouteInfo::routeId).toList());

        Files.delete(two);
        deployer.sync(deploy);
        assertEquals(List.of("one"), engine.routes().stream().map(RouteInfo::routeId).toList());
        deployer.sync(deploy); // unchanged files are not redeployed
        assertEquals("1", receive("one"));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(deploy.resolve(name), content);
    }

    private String receive(String id) {
        return consumer.receiveBody("seda:out-" + id, 5_000, String.class);
    }
}
