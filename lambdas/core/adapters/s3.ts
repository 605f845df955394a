import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ArtifactDeleter, ArtifactStore } from '../ports.ts';
import { AWS_RETRY } from './aws-retry.ts';

/** Generated projects in S3 (s3rver locally). */
export class S3ArtifactStore implements ArtifactStore, ArtifactDeleter {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  static create(options: {
    bucket: string;
    region: string;
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  }): S3ArtifactStore {
    return new S3ArtifactStore(
      new S3Client({
        region: options.region,
        ...AWS_RETRY,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        // s3rver corrupts streamed bodies unless checksums are only sent when required (DESIGN.md).
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      }),
      options.bucket,
    );
  }

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return result.Body ? await result.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length > 0) {
        const result = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
        if (result.Errors?.length)
          throw new Error(
            `S3 kept ${result.Errors.length} objects under ${prefix}: ${result.Errors[0]?.Code}`,
          );
        deleted += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }
}
