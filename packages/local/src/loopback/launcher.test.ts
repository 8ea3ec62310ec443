import { describe, expect, it } from 'vitest';
import { sourceHash } from './build.ts';
import { classBase64, sourceSha256 } from './launcher.ts';

describe('the loopback launcher of DynamoDB Local', () => {
  it('is compiled from the Java source as it is now (else run npx tsx packages/local/src/loopback/build.ts)', () => {
    expect(sourceSha256).toBe(sourceHash());
  });

  it('is a Java 17 class file', () => {
    const bytes = Buffer.from(classBase64, 'base64');
    expect(bytes.readUInt32BE(0)).toBe(0xcafebabe);
    expect(bytes.readUInt16BE(6)).toBe(61); // class file major version of Java 17
  });
});
