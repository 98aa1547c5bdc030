import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A running worker process, beating every few seconds and deleted when it stops (issue 16). The API serves the
 * workflows' published progress answers (case_progress) only while a worker on its task queue beats: with no
 * worker the case page asks the workflow and answers 503 as before, like the actions do.
 */
@Entity({ name: 'worker_heartbeats' })
@Index('ix_worker_heartbeats_queue', ['taskQueue', 'beatAt'])
export class WorkerHeartbeatEntity {
  @PrimaryColumn({ name: 'worker_id', type: 'uuid' })
  workerId!: string;

  @Column({ name: 'task_queue', type: 'varchar', length: 200 })
  taskQueue!: string;

  @Column({ name: 'beat_at', type: 'timestamptz' })
  beatAt!: Date;
}
