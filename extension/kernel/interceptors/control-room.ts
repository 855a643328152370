// The control room's view of the cells' calls (control-room.ts): each handle's configuration read just
// before rd_kafka_new (which overwrites sensitive values in the conf) and published once the handle has
// its name, and every rd_kafka_mock_* call a cell makes itself, published as a `fault` event so a report
// shows why errors began. Listed first in the table: outermost, around the handle registration.
import type { Interceptor } from './types.ts';

export const controlRoom: Interceptor[] = [
  {
    name: "a new handle's configuration is captured before rd_kafka_new and published, secrets redacted",
    functions: ['rd_kafka_new'],
    wrap: (next, _f, ctx) => (type: unknown, conf: unknown, errstr: unknown, size: unknown) => {
      const room = ctx.control.room;
      const dump = room && typeof conf === 'bigint' ? room.dumpConf(conf) : null;
      const rk = next(type, conf, errstr, size);
      if (room && typeof rk === 'bigint' && rk) {
        const kind = type === ctx.facts.c.RD_KAFKA_CONSUMER ? 'consumer' : 'producer';
        room.handleCreated(String(ctx.native('rd_kafka_name')(rk)), kind, dump);
      }
      return rk;
    },
  },
  {
    name: "a cell's own mock-cluster call is published as a fault",
    applies: (f) => f.name.startsWith('rd_kafka_mock_'),
    wrap:
      (next, f, ctx) =>
      (...args: unknown[]) => {
        const room = ctx.control.room;
        const r = room ? room.cellMockCall(f.name, () => next(...args)) : next(...args);
        room?.cellCall(f.name, args, r);
        return r;
      },
  },
];
