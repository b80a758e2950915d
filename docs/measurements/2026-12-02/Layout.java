/**
 * The layouts behind docs/scheduler.md, "A root costs 136 bytes" (JOL 0.17, JDK 25, compressed
 * references). Run: java -cp jol-core-0.17.jar:echo-core/target/classes:slf4j-api.jar Layout.java; "before"
 * ran with Join.java of 2c14845 compiled in front of the classes (layout-output.txt).
 */
import org.openjdk.jol.info.ClassLayout;
public class Layout {
  public static void main(String[] a) throws Exception {
    for (String n : new String[]{"land.echo.internal.Fiber","land.echo.internal.HandleFuture","land.echo.internal.HandleFuture$Observation","land.echo.internal.Join$All","land.echo.internal.Join$Timeout","land.echo.internal.Join$Race","land.echo.internal.Join$FirstSuccess","land.echo.internal.Join$Acquire"}) {
      System.out.println(ClassLayout.parseClass(Class.forName(n)).toPrintable());
    }
  }
}
