import { type DynamicModule, Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { JsonLogger } from '../common/json-logger';
import { codecCors } from './codec-cors.middleware';
import { CodecController } from './codec.controller';
import { CodecService } from './codec.service';

/** The Temporal remote codec endpoint (POST /api/codec/decode and /encode) with CORS for the Web UI. */
@Module({})
export class CodecModule implements NestModule {
  constructor(@Inject(API_CONFIG) private readonly config: ServiceConfig) {}

  static forRoot(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: CodecModule,
      controllers: [CodecController],
      providers: [{ provide: API_CONFIG, useValue: config }, { provide: JsonLogger, useValue: logger }, CodecService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(codecCors(this.config.codecCorsOrigins)).forRoutes({ path: 'api/codec/*path', method: RequestMethod.ALL });
  }
}
