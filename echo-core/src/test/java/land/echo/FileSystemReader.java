package land.echo;

import java.io.IOException;

/** A capability of the tests: reads a file's text. Faked in each test, no mocking framework. */
interface FileSystemReader {
  String read(String path) throws IOException;
}
