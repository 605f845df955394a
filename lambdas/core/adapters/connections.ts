import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { LOCAL_CONNECTIONS_KEY_ID, type PlatformConfig } from '../config.ts';
import type { ConnectionPoster } from '../ports.ts';
import { AWS_RETRY } from './aws-retry.ts';

/**
 * Messages to WebSocket clients through the @connections API: API Gateway's in AWS, the local
 * gateway's identical endpoint locally. Messages to one connection are sent in order.
 */
export class ApiGatewayConnectionPoster implements ConnectionPoster {
  private readonly client: ApiGatewayManagementApiClient;
  private readonly gone = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    endpoint: string,
    region: string,
    credentials?: { accessKeyId: string; secretAccessKey: string },
  ) {
    this.client = new ApiGatewayManagementApiClient({
      endpoint,
      region,
      ...AWS_RETRY,
      ...(credentials ? { credentials } : {}),
    });
  }

  /**
   * The @connections API of the configuration; where it is the local gateway's, signed with the local
   * platform's per-process secret (the gateway refuses anything else).
   */
  static fromConfig(config: PlatformConfig & { WEBSOCKET_ENDPOINT: string }): ApiGatewayConnectionPoster {
    return new ApiGatewayConnectionPoster(
      config.WEBSOCKET_ENDPOINT,
      config.AWS_REGION,
      config.LOCAL_EMULATORS === 'true'
        ? { accessKeyId: LOCAL_CONNECTIONS_KEY_ID, secretAccessKey: config.LOCAL_CONNECTIONS_SECRET ?? '' }
        : undefined,
    );
  }

  post(connectionId: string, message: unknown): Promise<boolean> {
    const send = async () => {
      if (this.gone.has(connectionId)) return false;
      try {
        await this.client.send(
          new PostToConnectionCommand({
            ConnectionId: connectionId,
            Data: new TextEncoder().encode(JSON.stringify(message)),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof GoneException || (error as Error).name === 'GoneException') {
          this.gone.add(connectionId);
          return false;
        }
        throw error;
      }
    };
    const result = this.queue.then(send, send);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
