import type { OpenAPIObject } from '@nestjs/swagger';
import { setRouteTable, undecodablePathParams } from './route-table';

describe('undecodablePathParams: which path parameter the router could not decode', () => {
  beforeAll(() =>
    setRouteTable({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/api/delegations/{id}': { get: {} },
        '/api/delegations/{id}/steps/{stepKey}/complete': { post: {} },
        '/api/registries/calendars/{year}': { get: {}, put: {} },
      },
    } as unknown as OpenAPIObject),
  );

  it('names the parameter by its route template (new-user trial: GET /api/delegations/%ED%A0%80 named `path`)', () => {
    expect(undecodablePathParams('/api/delegations/%ED%A0%80')).toEqual(['id']);
    expect(undecodablePathParams('/api/delegations/abc/steps/A0%E4%B8/complete')).toEqual(['stepKey']);
    expect(undecodablePathParams('/api/delegations/%ff/steps/%zz/complete')).toEqual(['id', 'stepKey']);
    expect(undecodablePathParams('/api/registries/calendars/%ED%A0%80/')).toEqual(['year']);
  });

  it('names none for a path no route has, or one whose parameters decode', () => {
    expect(undecodablePathParams('/api/nope/%ED%A0%80')).toEqual([]);
    expect(undecodablePathParams('/api/delegations/%E4%B8%AD')).toEqual([]);
  });
});
