import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A real SMTP server for bench/audiences/run.sh: GreenMail (the tests' receiver) on
 * 127.0.0.1:PORT, writing the body of every message it receives to MAIL_DIR/N.txt
 * (quoted-printable soft breaks undone). Runs until killed.
 *
 * <pre>
 *   java -cp shoal.jar:GREENMAIL_CLASSPATH bench/audiences/MailReceiver.java PORT MAIL_DIR
 * </pre>
 */
public class MailReceiver {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    System.err.println("SMTP receiver on 127.0.0.1:" + port + ", messages to " + dir);
    int seen = 0;
    while (true) {
      var messages = mail.getReceivedMessages();
      for (; seen < messages.length; seen++) {
        String body = GreenMailUtil.getBody(messages[seen]).replace("=\r\n", "").replace("=3D", "=");
        Path tmp = dir.resolve(seen + ".tmp");
        Files.writeString(tmp, body);
        Files.move(tmp, dir.resolve(seen + ".txt"), StandardCopyOption.ATOMIC_MOVE);
      }
      Thread.sleep(200);
    }
  }
}
