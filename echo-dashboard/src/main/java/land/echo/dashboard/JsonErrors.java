package land.echo.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error page for what never reaches Javalin (a request line or path Jetty itself refuses,
 * such as an ambiguous {@code ../} segment): the same {@code {"error": "..."}} JSON as the
 * dashboard's own errors, whatever the client accepts, never HTML and never a stack trace.
 */
final class JsonErrors extends ErrorHandler {
  private final ObjectMapper mapper;

  JsonErrors(ObjectMapper mapper) {
    this.mapper = mapper;
    setShowStacks(false);
  }

  @Override
  protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
      String contentType, List<Charset> charsets, int code, String message, Throwable cause) throws IOException {
    return super.generateAcceptableResponse(request, response, callback, "application/json", charsets, code, message, null);
  }

  @Override
  protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
    String text = code + (message == null || message.isBlank() ? "" : " " + message);
    try {
      writer.write(mapper.writeValueAsString(Map.of("error", text)));
    } catch (JsonProcessingException e) {
      writer.write("{\"error\":\"" + code + "\"}");
    }
  }
}
