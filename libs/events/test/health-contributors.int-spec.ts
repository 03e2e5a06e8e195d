import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import request from 'supertest';
import { EventsHealthModule, EventsModule, type EventsHealthContributor } from '@app/events';
import { Mesh, startMesh, testConfig } from './support.js';

/** Stands for an app's own dependency (a search provider): its state is set by the test. */
@Injectable()
class ProviderState {
  reachable = true;
}

@Injectable()
class ProviderHealthIndicator implements EventsHealthContributor {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly state: ProviderState,
  ) {}

  async isHealthy() {
    const check = this.health.check('searchProvider');
    return this.state.reachable ? check.up({ provider: 'local' }) : check.down({ provider: 'local', message: 'unreachable' });
  }
}

describe('EventsHealthModule.forRoot contributors', () => {
  let mesh: Mesh;
  let app: INestApplication;
  const state = new ProviderState();

  beforeAll(async () => {
    mesh = await startMesh('health_contrib');
    const ref = await Test.createTestingModule({
      imports: [
        EventsModule.forRoot({ service: 'contrib-app', config: testConfig(mesh) }),
        EventsHealthModule.forRoot({
          imports: [{ module: class StateModule {}, providers: [{ provide: ProviderState, useValue: state }], exports: [ProviderState] }],
          contributors: [ProviderHealthIndicator],
        }),
      ],
    }).compile();
    app = ref.createNestApplication({ logger: ['error'] });
    await app.init();
    mesh.defer(() => app.close());
  });
  afterAll(() => mesh.close());

  it("adds the app's indicator to /health/events next to the shared ones", async () => {
    const res = await request(app.getHttpServer()).get('/health/events').expect(200);
    expect(res.body.details.searchProvider).toEqual({ status: 'up', provider: 'local' });
    expect(res.body.details.nats.status).toBe('up');
    expect(res.body.service).toBe('contrib-app');
  });

  it('answers 503 naming the indicator when it reports down', async () => {
    state.reachable = false;
    const res = await request(app.getHttpServer()).get('/health/events').expect(503);
    expect(res.body.error.searchProvider).toEqual({ status: 'down', provider: 'local', message: 'unreachable' });
    expect(res.body.details.nats.status).toBe('up');
    state.reachable = true;
  });
});
