# Input variables.
#
# Every variable that could weaken a HIPAA safeguard (45 CFR 164.312) carries a validation
# block that refuses the weak value; the error message says which safeguard is at stake.
# Cross-variable validations need Terraform >= 1.9 (we require 1.11, see versions.tf).

# ─────────────────────────────────────────────────────────────────────────────
# Subscription, naming, placement
# ─────────────────────────────────────────────────────────────────────────────

variable "subscription_id" {
  description = "Azure subscription ID to deploy into. Leave null to take it from ARM_SUBSCRIPTION_ID (azurerm 4.x requires one of the two)."
  type        = string
  default     = null

  validation {
    condition     = var.subscription_id == null || can(regex("^[0-9a-fA-F-]{36}$", var.subscription_id))
    error_message = "subscription_id must be a subscription GUID, or null to use ARM_SUBSCRIPTION_ID."
  }
}

variable "environment" {
  description = "Deployment environment: prod, staging or dev. In prod, zone-redundant high availability is on by default."
  type        = string
  default     = "prod"

  validation {
    condition     = contains(["prod", "staging", "dev"], var.environment)
    error_message = "environment must be one of: prod, staging, dev."
  }
}

variable "location" {
  description = "Azure region of every resource, e.g. \"eastus2\". Pick a region with availability zones and a paired region (geo-redundant backups)."
  type        = string
}

variable "create_resource_group" {
  description = "true: create the resource group named resource_group_name. false: use an existing resource group of that name."
  type        = bool
  default     = true
}

variable "resource_group_name" {
  description = "Name of the resource group (created or existing, see create_resource_group)."
  type        = string

  validation {
    condition     = can(regex("^[-\\w\\.\\(\\)]{1,90}$", var.resource_group_name)) && !endswith(var.resource_group_name, ".")
    error_message = "resource_group_name must be 1-90 characters of letters, digits, '-', '_', '.', '(' or ')' and must not end with '.'."
  }
}

variable "name_prefix" {
  description = "Prefix of the names of the supporting resources (virtual network, Log Analytics workspace, backup vault, policies)."
  type        = string
  default     = "oxkair"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2-21 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (application, environment, data-classification and managed-by are always set)."
  type        = map(string)
  default     = {}
}

# ─────────────────────────────────────────────────────────────────────────────
# Server
# ─────────────────────────────────────────────────────────────────────────────

variable "server_name" {
  description = "Name of the Flexible Server; its host name becomes <server_name>.postgres.database.azure.com. The seed's server is oxkair-postgresql."
  type        = string
  default     = "oxkair-postgresql"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.server_name))
    error_message = "server_name must be 3-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen."
  }
}

variable "postgres_version" {
  description = "PostgreSQL major version. The seed targets 15."
  type        = string
  default     = "15"

  validation {
    condition     = contains(["14", "15", "16", "17"], var.postgres_version)
    error_message = "postgres_version must be 14, 15, 16 or 17 (older majors are out of community security support)."
  }
}

variable "sku_name" {
  description = "Compute SKU, tier_name form, e.g. GP_Standard_D2ds_v5 (General Purpose). Burstable (B_*) cannot run high availability."
  type        = string
  default     = "GP_Standard_D2ds_v5"

  validation {
    condition     = can(regex("^(B|GP|MO)_Standard_[A-Za-z0-9_]+$", var.sku_name))
    error_message = "sku_name must look like B_Standard_B1ms, GP_Standard_D2ds_v5 or MO_Standard_E4ds_v5."
  }
}

variable "storage_mb" {
  description = "Provisioned storage in MiB (storage auto-grow is enabled; storage can only grow)."
  type        = number
  default     = 131072

  validation {
    condition     = contains([32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408], var.storage_mb)
    error_message = "storage_mb must be one of the sizes Azure offers: 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408."
  }
}

variable "zone" {
  description = "Availability zone of the primary server: \"1\", \"2\" or \"3\"."
  type        = string
  default     = "1"

  validation {
    condition     = contains(["1", "2", "3"], var.zone)
    error_message = "zone must be \"1\", \"2\" or \"3\"."
  }
}

variable "standby_zone" {
  description = "Availability zone of the zone-redundant standby; must differ from zone."
  type        = string
  default     = "2"

  validation {
    condition     = contains(["1", "2", "3"], var.standby_zone) && var.standby_zone != var.zone
    error_message = "standby_zone must be \"1\", \"2\" or \"3\" and differ from zone."
  }
}

variable "high_availability_mode" {
  description = "High availability: ZoneRedundant, SameZone or Disabled. null picks ZoneRedundant when environment is prod, Disabled otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.high_availability_mode == null || contains(["ZoneRedundant", "SameZone", "Disabled"], coalesce(var.high_availability_mode, "Disabled"))
    error_message = "high_availability_mode must be ZoneRedundant, SameZone, Disabled or null."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window in UTC (day_of_week 0 = Sunday)."
  type = object({
    day_of_week  = number
    start_hour   = number
    start_minute = number
  })
  default = {
    day_of_week  = 0
    start_hour   = 3
    start_minute = 0
  }

  validation {
    condition = (
      var.maintenance_window.day_of_week >= 0 && var.maintenance_window.day_of_week <= 6 &&
      var.maintenance_window.start_hour >= 0 && var.maintenance_window.start_hour <= 23 &&
      var.maintenance_window.start_minute >= 0 && var.maintenance_window.start_minute <= 59
    )
    error_message = "maintenance_window: day_of_week 0-6, start_hour 0-23, start_minute 0-59."
  }
}

variable "database_name" {
  description = "Database holding the application's data (PHI). Not \"postgres\": Azure's long-term (vault) backups skip databases owned by azure_pg_admin or azuresu, the built-in postgres database included."
  type        = string
  default     = "oxkair"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_name)) && !contains(["postgres", "azure_maintenance", "azure_sys", "template0", "template1"], var.database_name)
    error_message = "database_name must be a lowercase identifier other than postgres, azure_maintenance, azure_sys, template0 or template1: Azure Backup's 6-year vault backups do not include the built-in postgres database (HIPAA 164.316(b)(2), 164.308(a)(7))."
  }
}

variable "create_database" {
  description = "true: Terraform creates database_name through the Azure API. Default false: create it with SQL as the administrator (docs/azure.md), because databases created through the API may end up owned by azuresu, which the vault backups skip and nobody can grant on (terraform-provider-azurerm issue 27895)."
  type        = bool
  default     = false
}

# ─────────────────────────────────────────────────────────────────────────────
# Network
# ─────────────────────────────────────────────────────────────────────────────

variable "network_mode" {
  description = "\"private\": the server lives in a delegated subnet of a virtual network, with a private DNS zone and no public endpoint. \"public\": a public endpoint restricted by firewall rules to allowed_cidrs."
  type        = string
  default     = "private"

  validation {
    condition     = contains(["private", "public"], var.network_mode)
    error_message = "network_mode must be \"private\" or \"public\"."
  }
}

variable "allowed_cidrs" {
  description = "Public mode only: IPv4 CIDR ranges allowed through the server firewall (one firewall rule each), e.g. [\"203.0.113.10/32\"]. Never 0.0.0.0/0; ranges wider than /16 are refused."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for c in var.allowed_cidrs :
      can(cidrhost(c, 0)) && can(regex("^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$", c))
    ])
    error_message = "Every allowed_cidrs entry must be an IPv4 CIDR such as 203.0.113.10/32."
  }

  validation {
    condition = alltrue([
      for c in var.allowed_cidrs :
      try(tonumber(split("/", c)[1]) >= 16, false) && !startswith(c, "0.")
    ])
    error_message = "allowed_cidrs must not open the server to the internet: no 0.0.0.0/x range (in particular not 0.0.0.0-255.255.255.255) and no prefix shorter than /16 (HIPAA 164.312(a)(1) access control)."
  }

  validation {
    condition     = var.network_mode != "public" || length(var.allowed_cidrs) > 0
    error_message = "network_mode = \"public\" needs at least one entry in allowed_cidrs (nothing else may connect)."
  }
}

variable "vnet_address_space" {
  description = "Private mode, new virtual network: its address space."
  type        = list(string)
  default     = ["10.40.0.0/16"]

  validation {
    condition     = length(var.vnet_address_space) > 0 && alltrue([for c in var.vnet_address_space : can(cidrhost(c, 0))])
    error_message = "vnet_address_space must be a non-empty list of CIDR ranges."
  }
}

variable "postgres_subnet_prefix" {
  description = "Private mode, new virtual network: CIDR of the subnet delegated to the server (nothing else may be deployed in it)."
  type        = string
  default     = "10.40.1.0/24"

  validation {
    condition     = can(cidrhost(var.postgres_subnet_prefix, 0))
    error_message = "postgres_subnet_prefix must be a CIDR range."
  }
}

variable "existing_delegated_subnet_id" {
  description = "Private mode: ID of an existing subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers. null creates a new virtual network and subnet."
  type        = string
  default     = null
}

variable "existing_vnet_id" {
  description = "Private mode with existing_delegated_subnet_id: ID of that subnet's virtual network (for the private DNS zone link)."
  type        = string
  default     = null

  validation {
    condition     = (var.existing_vnet_id == null) == (var.existing_delegated_subnet_id == null)
    error_message = "Set existing_vnet_id and existing_delegated_subnet_id together, or neither."
  }
}

# ─────────────────────────────────────────────────────────────────────────────
# Authentication (the seed's two methods)
# ─────────────────────────────────────────────────────────────────────────────

variable "password_auth_enabled" {
  description = "Seed method 2: allow PostgreSQL password logins (SCRAM). Set false to accept Microsoft Entra ID tokens only (method 1)."
  type        = bool
  default     = true
}

variable "administrator_login" {
  description = "Password administrator (seed method 2: oxkairadmin). Used only when password_auth_enabled; changing it recreates the server."
  type        = string
  default     = "oxkairadmin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.administrator_login)) && !contains(["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public", "postgres"], var.administrator_login) && !startswith(var.administrator_login, "pg_")
    error_message = "administrator_login must be a lowercase identifier, not a reserved name (azure_superuser, azure_pg_admin, admin, administrator, root, guest, public, postgres, pg_*)."
  }
}

variable "administrator_password" {
  description = "Password of administrator_login. Ephemeral and write-only: pass it as TF_VAR_administrator_password on plan and apply; it is never written to state or plan files."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = var.administrator_password == null || length(coalesce(var.administrator_password, "x")) >= 16
    error_message = "administrator_password must be at least 16 characters (HIPAA 164.308(a)(5)(ii)(D) password management)."
  }

  validation {
    condition     = !var.password_auth_enabled || var.administrator_password != null
    error_message = "password_auth_enabled = true needs administrator_password (set TF_VAR_administrator_password)."
  }
}

variable "administrator_password_version" {
  description = "Bump this number to push a new administrator_password to the server (Terraform cannot see changes of write-only values)."
  type        = number
  default     = 1
}

variable "entra_tenant_id" {
  description = "Microsoft Entra tenant whose users and identities may log in. null uses the tenant Terraform authenticates against."
  type        = string
  default     = null

  validation {
    condition     = var.entra_tenant_id == null || can(regex("^[0-9a-fA-F-]{36}$", var.entra_tenant_id))
    error_message = "entra_tenant_id must be a tenant GUID or null."
  }
}

variable "entra_admin_principal_name" {
  description = "Seed method 1: Microsoft Entra administrator of the server (UPN of a user, or display name of a group or service principal). Its database role name is exactly this string, case-sensitive."
  type        = string
  default     = "thomas@edouardoxkair.onmicrosoft.com"

  validation {
    condition     = length(trimspace(var.entra_admin_principal_name)) > 0
    error_message = "entra_admin_principal_name must not be empty."
  }
}

variable "entra_admin_object_id" {
  description = "Object ID of entra_admin_principal_name in Entra ID (az ad user show --id <upn> --query id -o tsv)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.entra_admin_object_id))
    error_message = "entra_admin_object_id must be an object GUID."
  }
}

variable "entra_admin_principal_type" {
  description = "Type of the Entra administrator: User, Group or ServicePrincipal."
  type        = string
  default     = "User"

  validation {
    condition     = contains(["User", "Group", "ServicePrincipal"], var.entra_admin_principal_type)
    error_message = "entra_admin_principal_type must be User, Group or ServicePrincipal."
  }
}

# ─────────────────────────────────────────────────────────────────────────────
# Server parameters (transmission security, audit)
# ─────────────────────────────────────────────────────────────────────────────

variable "ssl_min_protocol_version" {
  description = "Lowest TLS version the server accepts: TLSv1.3 (default; Microsoft's recommendation, all AEAD suites) or TLSv1.2 for clients that cannot do 1.3 (`oxkair check` then requires AEAD-only ssl_ciphers)."
  type        = string
  default     = "TLSv1.3"

  validation {
    condition     = contains(["TLSv1.2", "TLSv1.3"], var.ssl_min_protocol_version)
    error_message = "ssl_min_protocol_version must be TLSv1.2 or TLSv1.3 (HIPAA 164.312(e)(2)(ii) encryption in transit)."
  }
}

variable "shared_preload_libraries" {
  description = "Libraries loaded at server start (changing this restarts the server). Must include pgaudit."
  type        = list(string)
  default     = ["pg_stat_statements", "pgaudit"]

  validation {
    condition     = contains(var.shared_preload_libraries, "pgaudit")
    error_message = "shared_preload_libraries must include pgaudit (HIPAA 164.312(b) audit controls)."
  }
}

variable "allowed_extensions" {
  description = "Extensions allow-listed in azure.extensions (then CREATE EXTENSION by an administrator). The schema needs PG_TRGM and UNACCENT; auditing needs PGAUDIT."
  type        = list(string)
  default     = ["PG_TRGM", "UNACCENT", "PGAUDIT", "PGCRYPTO"]

  validation {
    condition     = alltrue([for e in ["PG_TRGM", "UNACCENT", "PGAUDIT"] : contains([for x in var.allowed_extensions : upper(x)], e)])
    error_message = "allowed_extensions must include PG_TRGM, UNACCENT (used by the schema) and PGAUDIT (HIPAA 164.312(b))."
  }
}

variable "pgaudit_log" {
  description = "Statement classes pgaudit logs (pgaudit.log). Default write, ddl, role: every change of data, schema and privileges. read is left to the application's access log, which knows the end user."
  type        = list(string)
  default     = ["write", "ddl", "role"]

  validation {
    condition     = length(var.pgaudit_log) > 0 && alltrue([for c in var.pgaudit_log : contains(["read", "write", "function", "role", "ddl", "misc", "misc_set", "all"], c)])
    error_message = "pgaudit_log entries must be among read, write, function, role, ddl, misc, misc_set, all (none is not allowed)."
  }

  validation {
    condition     = contains(var.pgaudit_log, "all") || alltrue([for c in ["write", "ddl", "role"] : contains(var.pgaudit_log, c)])
    error_message = "pgaudit_log must include write, ddl and role (or all): changes of PHI, schema and privileges must be audited (HIPAA 164.312(b))."
  }
}

variable "manage_password_encryption" {
  description = "Set the password_encryption server parameter to scram-sha-256 (already the default on PostgreSQL 14+; turn off only if Azure refuses the parameter)."
  type        = bool
  default     = true
}

# ─────────────────────────────────────────────────────────────────────────────
# Monitoring (audit log retention)
# ─────────────────────────────────────────────────────────────────────────────

variable "log_analytics_retention_days" {
  description = "Interactive (queryable) retention of the Log Analytics workspace and of its AzureDiagnostics table, 30-730 days."
  type        = number
  default     = 365

  validation {
    condition     = var.log_analytics_retention_days >= 30 && var.log_analytics_retention_days <= 730
    error_message = "log_analytics_retention_days must be between 30 and 730."
  }
}

variable "audit_log_total_retention_days" {
  description = "Total retention (interactive + archive tier) of the AzureDiagnostics table that receives the PostgreSQL logs, pgaudit AUDIT lines included. 2556 days = 7 years, the smallest value Azure offers that surely covers 6 years."
  type        = number
  default     = 2556

  validation {
    condition     = contains([2191, 2556, 2922, 3288, 3653, 4018, 4383], var.audit_log_total_retention_days)
    error_message = "audit_log_total_retention_days must be one of Azure's long-retention values: 2191, 2556, 2922, 3288, 3653, 4018, 4383."
  }

  validation {
    condition     = var.audit_log_total_retention_days >= 2556 || var.audit_log_archive_storage_account_id != null
    error_message = "Audit logs must be kept 6 years (HIPAA 164.316(b)(2)): use at least 2556 days, or also export them to an immutable storage account (audit_log_archive_storage_account_id)."
  }
}

variable "manage_audit_log_table_retention" {
  description = "Set retention on the workspace's AzureDiagnostics table (azurerm_log_analytics_workspace_table). Turn off only if the logs are kept 6 years elsewhere (audit_log_archive_storage_account_id)."
  type        = bool
  default     = true

  validation {
    condition     = var.manage_audit_log_table_retention || var.audit_log_archive_storage_account_id != null
    error_message = "Without table retention the logs need another 6-year store: set audit_log_archive_storage_account_id (HIPAA 164.316(b)(2))."
  }
}

variable "audit_log_archive_storage_account_id" {
  description = "Optional: ID of an existing storage account in the same region, with a locked time-based immutability policy of at least 6 years, that also receives the PostgreSQL logs."
  type        = string
  default     = null
}

# ─────────────────────────────────────────────────────────────────────────────
# Long-term backups (Azure Backup vault)
# ─────────────────────────────────────────────────────────────────────────────

variable "backup_vault_cross_region_restore_enabled" {
  description = "Allow restoring vault backups in the paired region (geo-redundant vault; cannot be turned off once on)."
  type        = bool
  default     = true
}

variable "backup_vault_soft_delete" {
  description = "Soft delete of the backup vault: On or AlwaysOn (irreversible). Deleted backups stay recoverable for backup_vault_soft_delete_retention_days."
  type        = string
  default     = "On"

  validation {
    condition     = contains(["On", "AlwaysOn"], var.backup_vault_soft_delete)
    error_message = "backup_vault_soft_delete must be On or AlwaysOn; Off would let one mistake or one attacker erase six years of backups (HIPAA 164.308(a)(7), 164.312(c)(1))."
  }
}

variable "backup_vault_soft_delete_retention_days" {
  description = "Days soft-deleted backups remain recoverable, 14-180."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_vault_soft_delete_retention_days >= 14 && var.backup_vault_soft_delete_retention_days <= 180
    error_message = "backup_vault_soft_delete_retention_days must be between 14 and 180."
  }
}

variable "backup_vault_immutability" {
  description = "Immutability of the backup vault: Unlocked (backups cannot be deleted before expiry; the setting can still be changed) or Locked (irreversible)."
  type        = string
  default     = "Unlocked"

  validation {
    condition     = contains(["Unlocked", "Locked"], var.backup_vault_immutability)
    error_message = "backup_vault_immutability must be Unlocked or Locked; Disabled would let recovery points be deleted before their retention ends (HIPAA 164.312(c)(1) integrity)."
  }
}

variable "backup_schedule_start" {
  description = "First weekly long-term backup, RFC 3339 with offset, e.g. 2025-01-05T03:00:00+00:00 (a Sunday, 03:00 UTC). Backups repeat every week (P1W) from it."
  type        = string
  default     = "2025-01-05T03:00:00+00:00"

  validation {
    condition     = can(regex("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+00:00$", var.backup_schedule_start))
    error_message = "backup_schedule_start must look like 2025-01-05T03:00:00+00:00 (UTC)."
  }
}

variable "backup_weekly_retention" {
  description = "How long each weekly vault backup is kept (default retention rule), ISO 8601 weeks: P12W = 12 weeks."
  type        = string
  default     = "P12W"

  validation {
    condition     = can(regex("^P[0-9]+W$", var.backup_weekly_retention)) && try(tonumber(trimsuffix(trimprefix(var.backup_weekly_retention, "P"), "W")) >= 4, false)
    error_message = "backup_weekly_retention must be an ISO 8601 duration in weeks of at least P4W, e.g. P12W."
  }
}

variable "backup_monthly_retention" {
  description = "How long the first backup of each month is kept, ISO 8601 months: P12M = 12 months."
  type        = string
  default     = "P12M"

  validation {
    condition     = can(regex("^P[0-9]+M$", var.backup_monthly_retention)) && try(tonumber(trimsuffix(trimprefix(var.backup_monthly_retention, "P"), "M")) >= 12, false)
    error_message = "backup_monthly_retention must be an ISO 8601 duration in months of at least P12M."
  }
}

variable "backup_yearly_retention" {
  description = "How long the first backup of each year is kept, ISO 8601 years. At least P6Y (HIPAA 164.316(b)(2)); Azure keeps vault backups at most 10 years."
  type        = string
  default     = "P6Y"

  validation {
    condition     = can(regex("^P[0-9]+Y$", var.backup_yearly_retention)) && try(tonumber(trimsuffix(trimprefix(var.backup_yearly_retention, "P"), "Y")) >= 6, false)
    error_message = "backup_yearly_retention must be at least P6Y: HIPAA 164.316(b)(2) requires six years."
  }

  validation {
    condition     = try(tonumber(trimsuffix(trimprefix(var.backup_yearly_retention, "P"), "Y")) <= 10, false)
    error_message = "backup_yearly_retention must be at most P10Y (Azure Backup's maximum)."
  }
}

# ─────────────────────────────────────────────────────────────────────────────
# Client settings (outputs only)
# ─────────────────────────────────────────────────────────────────────────────

variable "client_ssl_root_cert_path" {
  description = "Path, on the client, of the PEM file holding DigiCert Global Root G2 + Microsoft RSA Root CA 2017 (PGSSLROOTCERT in the .env.local outputs)."
  type        = string
  default     = "./certs/azure-postgres-roots.pem"
}
