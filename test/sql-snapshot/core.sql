-- core.tenant-set
SELECT set_config('app.agency_id', $1, true);
