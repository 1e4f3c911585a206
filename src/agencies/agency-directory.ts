import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantDirectory } from '../core/access/access.ports';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { Tenant } from '../core/context/request-context';
import { AgencyConfig } from './agency-config';
import { loadAgencyConfigs } from './agency-config.loader';
import { syncAgencies } from './agency-sync';
import { UnknownAgencyError } from './agencies.errors';
import type { StrategyDeclaration } from './config-schema';
import {
  AgencyStrategies,
  STRATEGY_DECLARATIONS,
  STRATEGY_FIELDS,
  StrategyKind,
} from './strategies';

export interface AgencySummary {
  agencyId: string;
  code: string;
  name: string;
  jurisdiction: string;
  timeZone: string;
}

interface AgencyEntry extends AgencySummary {
  config: AgencyConfig;
}

/** One row of the agencies table, active or deactivated. */
export interface AgencyRow {
  id: string;
  code: string;
  name: string;
  jurisdiction: string;
  time_zone: string;
  active: boolean;
  config: AgencyConfig;
}

/**
 * Reads the agencies table, by code: the one statement that does. The directory loads it at
 * start; a process without the Nest app (`npm run audit:verify`) calls it with its own client.
 */
export function readAgencies(query: (text: string) => Promise<AgencyRow[]>): Promise<AgencyRow[]> {
  return query(
    `SELECT id, code, name, jurisdiction, time_zone, active, config FROM agencies ORDER BY code`,
  );
}

const tenantOf = (entry: AgencySummary): Tenant => ({
  agencyId: entry.agencyId,
  agencyCode: entry.code,
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** How an agency's YAML chooses each strategy kind. */
const CHOSEN: Record<StrategyKind, (config: AgencyConfig) => string> = {
  paymentExport: (config) => config.finance.paymentExportFormat,
};

/**
 * The agencies, in memory: the TENANT_DIRECTORY the request interceptor resolves paths with and
 * schedules and audit sealing list tenants from, and the only way the kernel and other modules
 * read the agencies table (an agency's configuration: finance policy, time zone, notification
 * sender; its code and name). At start it validates config/agencies/*.yaml (any problem stops
 * boot), syncs them into the agencies table as the owner role, then loads the rows.
 * A changed file takes effect at the next restart.
 */
@Injectable()
export class AgencyDirectory implements TenantDirectory, OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Agencies');
  private byCode = new Map<string, AgencyEntry>();
  private byId = new Map<string, AgencyEntry>();
  /** Every agency, deactivated ones too (their memberships, notices and audit trails remain). */
  private everyById = new Map<string, AgencySummary>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly strategies: AgencyStrategies,
  ) {}

  async onModuleInit(): Promise<void> {
    const loaded = loadAgencyConfigs(this.config.agencyConfigDir);
    const result = await syncAgencies(
      this.config.databaseOwnerUrl,
      loaded,
      async (text, params) => ({
        rows: await this.dataSource.query<unknown[]>(text, params),
      }),
    );
    if (result.inserted.length + result.updated.length + result.deactivated.length > 0) {
      this.logger.log({ ...result, unchanged: undefined }, 'agency configuration synced');
    }
    await this.reload();
  }

  /**
   * Once any implementation of a strategy kind is registered (modules register in their
   * constructors or onModuleInit), every active agency's choice of that kind must be
   * implemented. Kinds with no implementation yet are only warned about.
   */
  onApplicationBootstrap(): void {
    const problems: string[] = [];
    for (const kind of Object.keys(CHOSEN) as StrategyKind[]) {
      const anyBound = this.strategies
        .names(kind)
        .some((n) => this.strategies.isImplemented(kind, n));
      for (const agency of this.byId.values()) {
        const name = CHOSEN[kind](agency.config);
        if (this.strategies.isImplemented(kind, name)) continue;
        const message = `${agency.code}: ${STRATEGY_FIELDS[kind]}: "${name}" has no implementation installed`;
        if (anyBound) problems.push(message);
        else this.logger.warn(message);
      }
    }
    if (problems.length > 0) {
      throw new Error(`Agency strategies are missing:\n  - ${problems.join('\n  - ')}`);
    }
  }

  /** Re-reads the agencies from the table (after a sync). */
  async reload(): Promise<void> {
    const rows = await readAgencies((text) => this.dataSource.query<AgencyRow[]>(text));
    const entries = rows.map((row) =>
      deepFreeze<AgencyEntry & { active: boolean }>({
        agencyId: row.id,
        code: row.code,
        name: row.name,
        jurisdiction: row.jurisdiction,
        timeZone: row.time_zone,
        config: row.config,
        active: row.active,
      }),
    );
    const active = entries.filter((entry) => entry.active);
    this.byCode = new Map(active.map((entry) => [entry.code, entry]));
    this.byId = new Map(active.map((entry) => [entry.agencyId, entry]));
    this.everyById = new Map(entries.map((entry) => [entry.agencyId, summaryOf(entry)]));
  }

  /** TENANT_DIRECTORY: the active agency with this code (unknown and inactive codes answer 404). */
  findByCode(code: string): Tenant | undefined {
    const entry = this.byCode.get(code);
    return entry && { agencyId: entry.agencyId, agencyCode: entry.code };
  }

  findById(agencyId: string): AgencySummary | undefined {
    const entry = this.byId.get(agencyId);
    return entry && summaryOf(entry);
  }

  /** The agency's validated configuration (frozen). Throws for an unknown or inactive agency. */
  configOf(agencyId: string): AgencyConfig {
    const entry = this.byId.get(agencyId);
    if (!entry) throw new UnknownAgencyError(agencyId);
    return entry.config;
  }

  /**
   * What the agency's file gives strategy `name` of `kind`: the options field its declaration
   * names, beside the field that chooses the kind (`finance.achOriginator` for `nacha-ach`).
   * Undefined when the strategy declares no options, the file has none or the agency is inactive.
   */
  strategyOptions(agencyId: string, kind: StrategyKind, name: string): unknown {
    const names: Record<string, StrategyDeclaration> = STRATEGY_DECLARATIONS[kind];
    const field = names[name]?.options?.field;
    const config = this.byId.get(agencyId)?.config;
    if (!field || !config) return undefined;
    const section = STRATEGY_FIELDS[kind]
      .split('.')
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
    return (section as Record<string, unknown> | undefined)?.[field];
  }

  /**
   * The agency's code and name, deactivated agencies included: a user's memberships and notices
   * outlive their agency's deactivation. Undefined for an agency added since this process read
   * the table (known at the next restart, like its routes).
   */
  describe(agencyId: string): AgencySummary | undefined {
    return this.everyById.get(agencyId);
  }

  /** Active agencies, by code. */
  list(): AgencySummary[] {
    return [...this.byCode.values()].map(summaryOf);
  }

  /** TENANT_DIRECTORY: the active agencies, by code. */
  activeTenants(): Tenant[] {
    return [...this.byCode.values()].map(tenantOf);
  }

  /** TENANT_DIRECTORY: every agency, deactivated ones too, by code. */
  allTenants(): Tenant[] {
    return [...this.everyById.values()].map(tenantOf);
  }
}

function summaryOf(entry: AgencyEntry): AgencySummary {
  return {
    agencyId: entry.agencyId,
    code: entry.code,
    name: entry.name,
    jurisdiction: entry.jurisdiction,
    timeZone: entry.timeZone,
  };
}
