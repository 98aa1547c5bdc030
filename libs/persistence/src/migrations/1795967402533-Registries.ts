import { MigrationInterface, QueryRunner } from "typeorm";

export class Registries1795967402533 implements MigrationInterface {
    name = 'Registries1795967402533'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "units" (
                "code" character varying(64) NOT NULL,
                "name_zh" character varying(200) NOT NULL,
                "name_en" character varying(200) NOT NULL,
                "parent_code" character varying(64),
                "supervising_department" character varying(64),
                "clerks" jsonb NOT NULL DEFAULT '[]',
                "signatories" jsonb NOT NULL DEFAULT '[]',
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "suspended_reason" character varying(500),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_47635c1ab22d02fc3ebae3608b8" PRIMARY KEY ("code")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "annual_plans" (
                "unit" character varying(64) NOT NULL,
                "year" integer NOT NULL,
                "trips" jsonb NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b20b020fb9f5dfe93f9114b29d3" PRIMARY KEY ("unit", "year")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "people" (
                "person_id" character varying(64) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "name" character varying(100) NOT NULL,
                "gender" character varying(8) NOT NULL,
                "date_of_birth" date NOT NULL,
                "rank" character varying(16) NOT NULL,
                "position" character varying(100) NOT NULL,
                "party_member" boolean NOT NULL,
                "classified_access" boolean NOT NULL DEFAULT false,
                "leadership_team" character varying(100),
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_14a8a70884ba14699b85367294a" PRIMARY KEY ("person_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_people_unit" ON "people" ("unit")
        `);
        await queryRunner.query(`
            CREATE TABLE "custody_passports" (
                "number" character varying(20) NOT NULL,
                "type" character varying(16) NOT NULL,
                "issued_on" date NOT NULL,
                "expires_on" date NOT NULL,
                "holder" character varying(64) NOT NULL,
                "state" character varying(16) NOT NULL,
                "case_id" character varying(64),
                "due_back_on" date,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ca161a9d4d67f0c44852b5e76aa" PRIMARY KEY ("number")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_custody_passports_holder" ON "custody_passports" ("holder")
        `);
        await queryRunner.query(`
            CREATE TABLE "custody_passport_events" (
                "id" BIGSERIAL NOT NULL,
                "number" character varying(20) NOT NULL,
                "from_state" character varying(16),
                "to_state" character varying(16) NOT NULL,
                "case_id" character varying(64),
                "actor" character varying(100) NOT NULL,
                "note" character varying(500),
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_88cc279a933c1b532de3ca25c5d" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_custody_passport_events_number" ON "custody_passport_events" ("number", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "holiday_schedules" (
                "year" integer NOT NULL,
                "holidays" jsonb NOT NULL,
                "workdays" jsonb NOT NULL,
                "source" character varying(200) NOT NULL,
                "loaded_by" character varying(100) NOT NULL,
                "loaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_93068a5b6266c01b713e8e70745" PRIMARY KEY ("year")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "process_versions" (
                "version" character varying(64) NOT NULL,
                "definition" jsonb NOT NULL,
                "settings" jsonb NOT NULL DEFAULT '{}',
                "changes" jsonb NOT NULL DEFAULT '[]',
                "previous_version" character varying(64),
                "published_by" character varying(100) NOT NULL,
                "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a317db6e12021350618a3cac8b7" PRIMARY KEY ("version")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_process_versions_published" ON "process_versions" ("published_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "registry_changes" (
                "id" BIGSERIAL NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "actor" character varying(100) NOT NULL,
                "actor_role" character varying(32) NOT NULL,
                "entity" character varying(32) NOT NULL,
                "entity_key" character varying(100) NOT NULL,
                "action" character varying(32) NOT NULL,
                "unit" character varying(64),
                "before" jsonb,
                "after" jsonb,
                CONSTRAINT "PK_3e0e0ef8d405b144010f0e39e0e" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_registry_changes_entity" ON "registry_changes" ("entity", "entity_key", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_registry_changes_entity"
        `);
        await queryRunner.query(`
            DROP TABLE "registry_changes"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_process_versions_published"
        `);
        await queryRunner.query(`
            DROP TABLE "process_versions"
        `);
        await queryRunner.query(`
            DROP TABLE "holiday_schedules"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_custody_passport_events_number"
        `);
        await queryRunner.query(`
            DROP TABLE "custody_passport_events"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_custody_passports_holder"
        `);
        await queryRunner.query(`
            DROP TABLE "custody_passports"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_people_unit"
        `);
        await queryRunner.query(`
            DROP TABLE "people"
        `);
        await queryRunner.query(`
            DROP TABLE "annual_plans"
        `);
        await queryRunner.query(`
            DROP TABLE "units"
        `);
    }

}
