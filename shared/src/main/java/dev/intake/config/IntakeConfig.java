package dev.intake.config;

import java.net.URI;

/**
 * Where Intake's resources are. In Lambda every value comes from the function's environment, which
 * {@code template.yaml} sets; the local stack builds one directly.
 *
 * @param dynamoEndpoint an endpoint override for DynamoDB (an emulator), or null for AWS itself
 * @param sqsEndpoint an endpoint override for SQS, or null for AWS itself
 */
public record IntakeConfig(String region, URI dynamoEndpoint, URI sqsEndpoint, Tables tables, String eventsQueueUrl) {

    /** Table names, one per kind of record; see docs/architecture.md. */
    public record Tables(String workspaces, String forms, String submissions, String people, String campaigns,
                         String guards) {}

    public static IntakeConfig fromEnvironment() {
        String shared = Env.get("AWS_ENDPOINT_URL");
        String dynamo = Env.get("INTAKE_DYNAMODB_ENDPOINT", shared);
        String sqs = Env.get("INTAKE_SQS_ENDPOINT", shared);
        return new IntakeConfig(
                Env.get("AWS_REGION", "us-east-1"),
                dynamo == null ? null : URI.create(dynamo),
                sqs == null ? null : URI.create(sqs),
                new Tables(
                        Env.get("WORKSPACES_TABLE", "WorkspacesTable"),
                        Env.get("FORMS_TABLE", "FormsTable"),
                        Env.get("SUBMISSIONS_TABLE", "SubmissionsTable"),
                        Env.get("PEOPLE_TABLE", "PeopleTable"),
                        Env.get("CAMPAIGNS_TABLE", "CampaignsTable"),
                        Env.get("GUARDS_TABLE", "GuardsTable")),
                Env.get("EVENTS_QUEUE_URL"));
    }
}
