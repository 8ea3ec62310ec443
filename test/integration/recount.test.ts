// Recount: drift introduced by hand into the aggregates is found, and repaired, through `npm run recount`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { aggregateKey, readTally, recountCampaign, recountTally } from '@pingyi/data';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const ballot = (overall: string) => ({
  answers: Object.fromEntries(
    ['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'].map((id) => [
      id,
      { overall: id.startsWith('c-') ? 'A' : overall },
    ]),
  ),
  matters: { best: ['教师培训'], worst: [], otherBest: '图书馆', otherWorst: '' },
});

async function recountCli(campaignId: string, ...flags: string[]) {
  const env = {
    ...process.env,
    PINGYI_TABLE: stack.db.tableName,
    PINGYI_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    PINGYI_DATA_DIR: '/nonexistent',
  };
  try {
    const { stdout } = await run('npm', ['run', '--silent', 'recount', '--', campaignId, ...flags], { env });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout + e.stderr };
  }
}

describe('recount', () => {
  it('finds no drift when the aggregates hold every ballot', async () => {
    const { id, tokens } = await stack.openExample({ party: 6 });
    for (const [i, token] of (tokens.party ?? []).entries()) {
      await stack.call('POST', `/b/${token}`, ballot(i % 2 ? 'S' : 'N'));
    }
    await stack.poller.idle();
    const report = await recountCampaign(stack.db, id);
    expect(report.drift).toEqual([]);
    expect(await readTally(stack.db, id)).toEqual(report.recount);
  });

  it('reports drift introduced by hand and repairs it once the campaign is closed', async () => {
    const { id, tokens } = await stack.openExample({ party: 5 });
    for (const token of tokens.party ?? []) await stack.call('POST', `/b/${token}`, ballot('S'));
    await stack.poller.idle();
    const { pk, sk } = aggregateKey(id, { type: 'subject', subject: 'org-edu', group: 'party' });
    await stack.db.client.send(
      new UpdateCommand({
        TableName: stack.db.tableName,
        Key: { pk, sk },
        UpdateExpression: 'ADD #s :three',
        ExpressionAttributeNames: { '#s': 'n#q#overall#S' },
        ExpressionAttributeValues: { ':three': 3 },
      }),
    );
    await stack.db.client.send(
      new DeleteCommand({
        TableName: stack.db.tableName,
        Key: aggregateKey(id, { type: 'subject', subject: 'c-zhao', group: 'party' }),
      }),
    );

    const found = await recountCli(id);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('5 ballots recounted');
    expect(found.stdout).toContain(`${sk} n#q#overall#S: aggregate 8, recount 5`);
    expect(found.stdout).toMatch(/AGG#S#c-zhao#party n#q#overall#A: aggregate 0, recount 5/);

    const refused = await recountCli(id, '--repair');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('仍在进行');

    await stack.organizer('POST', `/api/campaigns/${id}/close`);
    await stack.exportsSettled();
    const repaired = await recountCli(id, '--repair');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('repaired 2 aggregate item(s)');
    expect((await recountCampaign(stack.db, id)).drift).toEqual([]);
    expect(await readTally(stack.db, id)).toEqual(await recountTally(stack.db, id));
  });
});
