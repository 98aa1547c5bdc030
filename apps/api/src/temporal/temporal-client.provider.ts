import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { type DataConverter, defaultPayloadConverter } from '@temporalio/common';
import { temporalConnectionOptions, temporalDataConverter, type ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { currentRequestId } from '../common/request-context';

/** Header carrying the HTTP request id into workflow starts and updates (readable by a workflow inbound interceptor). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Adds the current HTTP request id to the Temporal headers of starts, updates and signals. */
export const requestIdInterceptor: WorkflowClientInterceptor = {
  async startWithDetails(input, next) {
    const id = currentRequestId();
    return next(id ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } } : input);
  },
  async startUpdate(input, next) {
    const id = currentRequestId();
    return next(id ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } } : input);
  },
};

/** One lazily connected Temporal client for the API process. */
@Injectable()
export class TemporalClientService implements OnApplicationShutdown {
  private connecting?: Promise<Client>;
  private connectedClient?: Client;
  /** Built at construction: the API refuses to start without payload keys rather than at the first case. */
  private readonly dataConverter: DataConverter;

  constructor(@Inject(API_CONFIG) private readonly config: ServiceConfig) {
    this.dataConverter = temporalDataConverter(config);
  }

  client(): Promise<Client> {
    this.connecting ??= Connection.connect({ ...temporalConnectionOptions(this.config), connectTimeout: 5000 })
      .then(
        (connection) =>
          new Client({
            connection,
            namespace: this.config.temporalNamespace,
            dataConverter: this.dataConverter,
            interceptors: { workflow: [requestIdInterceptor] },
          }),
      )
      .then((client) => (this.connectedClient = client))
      .catch((err: unknown) => {
        this.connecting = undefined; // try again on the next call
        throw err;
      });
    return this.connecting;
  }

  /** This process has reached Temporal (a connection is open); false before the first successful connect. */
  connected(): boolean {
    return this.connectedClient !== undefined;
  }

  /** Cheap round trip used by /health: the namespace must exist and answer before the deadline. */
  async ping(timeoutMs = 2000): Promise<void> {
    const client = await this.client();
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflowService.describeNamespace({ namespace: this.config.temporalNamespace }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const client = await this.connecting?.catch(() => undefined);
    await client?.connection.close();
  }
}
