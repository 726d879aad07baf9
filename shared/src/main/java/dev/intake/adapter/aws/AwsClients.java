package dev.intake.adapter.aws;

import dev.intake.config.IntakeConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import java.net.URI;
import java.time.Duration;

/**
 * The one place AWS clients are built. Region, HTTP client and credentials are explicit so that no
 * provider chain is searched at cold start, and an endpoint override points everything at the emulators.
 */
public final class AwsClients {
    private AwsClients() {}

    public static DynamoDbClient dynamo(IntakeConfig config, ExecutionInterceptor... interceptors) {
        var overrides = overrides().toBuilder();
        for (ExecutionInterceptor i : interceptors) overrides.addExecutionInterceptor(i);
        var b = DynamoDbClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config.dynamoEndpoint()))
                .httpClient(httpClient())
                .overrideConfiguration(overrides.build());
        if (config.dynamoEndpoint() != null) b.endpointOverride(config.dynamoEndpoint());
        return b.build();
    }

    /** The DynamoDB Streams API; in AWS, Lambda reads the stream itself, so only the local stack needs this. */
    public static software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient dynamoStreams(IntakeConfig config) {
        var b = software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config.dynamoEndpoint()))
                .httpClient(httpClient())
                .overrideConfiguration(overrides());
        if (config.dynamoEndpoint() != null) b.endpointOverride(config.dynamoEndpoint());
        return b.build();
    }

    public static SqsClient sqs(IntakeConfig config) {
        var b = SqsClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config.sqsEndpoint()))
                .httpClient(httpClient())
                .overrideConfiguration(overrides());
        if (config.sqsEndpoint() != null) b.endpointOverride(config.sqsEndpoint());
        return b.build();
    }

    /**
     * Usage-plan keys in API Gateway, for the usage plan {@code config.usagePlanId()}, at
     * {@code https://apigateway.{region}.{partition's DNS suffix}}.
     */
    public static ApiGatewayUsageKeys usageKeys(IntakeConfig config) {
        Region region = Region.of(config.region());
        URI endpoint = URI.create("https://apigateway." + region.id() + "." + PartitionMetadata.of(region).dnsSuffix());
        return new ApiGatewayUsageKeys(endpoint, region.id(), config.usagePlanId(), credentials(null));
    }

    private static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static AwsCredentialsProvider credentials(URI endpointOverride) {
        if (endpointOverride != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null) return EnvironmentVariableCredentialsProvider.create();
        return DefaultCredentialsProvider.builder().build();
    }
}
