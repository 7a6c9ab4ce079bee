// Checks many EPUBs in one Java process: EPUBCheck's schemas load once (about 15 s),
// then each file takes a fraction of a second. Reads one EPUB path a line from
// standard input, writes EPUBCheck's JSON report to PATH.json, then an empty
// PATH.json.done, so the reader knows the report is complete.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubBatch {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String path;
    while ((path = in.readLine()) != null) {
      if (path.isEmpty()) {
        continue;
      }
      try {
        new EpubChecker().run(new String[] {path, "--json", path + ".json", "--quiet"});
      } catch (RuntimeException error) {
        System.err.println(path + ": " + error);
      }
      new File(path + ".json.done").createNewFile();
    }
  }
}
