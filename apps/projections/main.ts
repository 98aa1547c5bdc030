// Rebuilds the read models from the event store, or with --verify compares them (docs/event-store.md).
//   npm run projections:rebuild              replace cases, case_steps, notifications, member_trips, case_attachments
//   npm run projections:rebuild -- --verify  print every difference; exit 1 if there is one
import { runProjectionsCommand } from './command';

runProjectionsCommand(process.argv.slice(2), process.env, { log: (l) => console.log(l), error: (l) => console.error(l) }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`projections: ${String(err)}`);
    process.exit(2);
  },
);
