// node .ci/lib/stack-output.js STACK OUTPUT_KEY: prints the output's value (AWS credentials and region from the
// environment, as the AWS SDK reads them: OIDC web identity, AWS_REGION, ...). Used by .ci/smoke-stage.
'use strict';
const { CloudFormationClient, DescribeStacksCommand } = require('@aws-sdk/client-cloudformation');

const [stack, key] = process.argv.slice(2);
new CloudFormationClient({})
  .send(new DescribeStacksCommand({ StackName: stack }))
  .then((out) => {
    const output = (out.Stacks[0].Outputs || []).find((o) => o.OutputKey === key);
    if (!output) {
      throw new Error(`the stack has no output ${key}`);
    }
    process.stdout.write(output.OutputValue);
  })
  .catch((e) => {
    console.error(`.ci/smoke-stage: cannot read output ${key} of stack ${stack}: ${e.message}`);
    process.exit(1);
  });
