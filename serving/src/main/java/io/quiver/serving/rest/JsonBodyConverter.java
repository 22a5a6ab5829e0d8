package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JavaType;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.RequestConverterFunction;
import java.lang.reflect.ParameterizedType;

/**
 * Binds a REST request body to a handler's record or {@code JsonNode} parameter with {@link
 * RestJson#MAPPER}. The body is read as JSON whatever the content type says, as long as it is not
 * something else on purpose (multipart, binary): {@code curl -d '{...}'} sends JSON labelled as a
 * form, and should work. An empty body is refused with a message rather than bound to null.
 */
public final class JsonBodyConverter implements RequestConverterFunction {

  @Override
  public Object convertRequest(
      ServiceRequestContext ctx,
      AggregatedHttpRequest request,
      Class<?> expectedResultType,
      ParameterizedType expectedParameterizedResultType)
      throws Exception {
    MediaType type = request.contentType();
    boolean json =
        type == null
            || type.isJson()
            || type.belongsTo(MediaType.ANY_TEXT_TYPE)
            || type.belongsTo(MediaType.FORM_DATA);
    if (!json
        || expectedResultType == String.class
        || expectedResultType == byte[].class
        || HttpData.class.isAssignableFrom(expectedResultType)) {
      return RequestConverterFunction.fallthrough(); // Armeria's own converters
    }
    JavaType target =
        expectedParameterizedResultType != null
            ? RestJson.MAPPER.constructType(expectedParameterizedResultType)
            : RestJson.MAPPER.constructType(expectedResultType);
    HttpData body = request.content();
    return RestJson.MAPPER.readValue(body.array(), 0, body.length(), target);
  }
}
