package io.quiver.gpu;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where a CUDA device opens; elsewhere the class is reported skipped with
 * the reason the device did not open (an assumption in {@code @BeforeAll} would skip it too, but
 * surefire then reports no test at all, and no reason).
 */
@Target(TYPE)
@Retention(RUNTIME)
@ExtendWith(RequiresCudaDevice.Condition.class)
@interface RequiresCudaDevice {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return CudaTestSupport.deviceAvailable()
          ? ConditionEvaluationResult.enabled(CudaTestSupport.reason())
          : ConditionEvaluationResult.disabled("no CUDA device: " + CudaTestSupport.reason());
    }
  }
}
