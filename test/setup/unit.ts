// Unit-test setup: aws-sdk-client-mock matchers (toHaveReceivedCommand…) for vitest.
import 'aws-sdk-client-mock-vitest/extend';
