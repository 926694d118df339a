"""Groups' job kinds. The cog registers their handlers (panel.refresh_panels and
notices.tell_leaders) when it loads; those modules schedule the jobs."""

from __future__ import annotations

# A burst of joins becomes one edit per panel message: one pending refresh per server.
REFRESH_KIND = "groups.panel_refresh"
# Leaders are told of a join request by DM from a job, so a slow DM never holds the reply.
REQUEST_DM_KIND = "groups.request_dm"
JOB_KINDS = (REFRESH_KIND, REQUEST_DM_KIND)
