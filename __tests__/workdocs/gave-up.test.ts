// The message of a WorkDocs call that gave up after its retries names the call, the attempts and the waiting
// (issue 24, item 6); an error that was not retried keeps its own message.
import { WorkDocsServiceException } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/errors.js';
import { describeGivingUp } from '../../src/workdocs/retry.js';

function throttled(attempts: number | undefined, totalRetryDelay?: number): Error {
  return new WorkDocsServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429, attempts, totalRetryDelay }, message: 'Rate exceeded' });
}

describe('describeGivingUp', () => {
  it.each<[string, Error, string | undefined, string]>([
    ['a throttle after 8 attempts', throttled(8, 12_345), 'GetFolderCommand', 'ThrottlingException: WorkDocs GetFolder gave up after 8 attempts over 12.3 s of waiting: Rate exceeded (HTTP 429)'],
    ['without the waiting recorded', throttled(3), 'DescribeFolderContentsCommand', 'ThrottlingException: WorkDocs DescribeFolderContents gave up after 3 attempts: Rate exceeded (HTTP 429)'],
    ['a call without a command name', throttled(2, 100), undefined, 'ThrottlingException: WorkDocs request gave up after 2 attempts over 0.1 s of waiting: Rate exceeded (HTTP 429)'],
    ['a single attempt (not retried)', throttled(1, 0), 'GetFolderCommand', 'ThrottlingException: Rate exceeded (HTTP 429)'],
    ['no metadata at all', new Error('socket hang up'), 'GetFolderCommand', 'socket hang up'],
  ])('%s', (_, error, command, described) => {
    describeGivingUp(error, command);
    expect(describeError(error)).toBe(described);
  });

  it('names the call once, however often the error passes by', () => {
    const error = throttled(8, 1000);
    describeGivingUp(error, 'GetFolderCommand');
    describeGivingUp(error, 'GetFolderCommand');
    expect(error.message).toBe('WorkDocs GetFolder gave up after 8 attempts over 1.0 s of waiting: Rate exceeded');
  });
});
