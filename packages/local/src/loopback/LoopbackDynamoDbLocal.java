// Starts DynamoDB Local with its HTTP connector bound to one address (127.0.0.1 by default) instead of every
// interface: DynamoDB Local has no option for it and answers anyone, unauthenticated, on the port it opens.
//
// Usage: java -cp <this folder>:DynamoDBLocal.jar LoopbackDynamoDbLocal <host> <DynamoDB Local arguments...>
// Built into launcher.ts by build.ts (a JRE has no compiler); the class stays on DynamoDB Local's own API: it builds
// the server exactly as DynamoDB Local's main does, then names the host of its one Jetty connector before starting.
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDbLocal {
  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost(host);
    proxy.start();
  }
}
