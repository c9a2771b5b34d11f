# The Flexible Server, its Entra administrator and the server parameters that carry the
# HIPAA technical safeguards (45 CFR 164.312). docs/azure.md explains each setting.

resource "azurerm_postgresql_flexible_server" "this" {
  name                = var.server_name
  resource_group_name = local.resource_group_name
  location            = var.location
  version             = var.postgres_version
  sku_name            = var.sku_name
  storage_mb          = var.storage_mb
  auto_grow_enabled   = true
  zone                = var.zone

  # Seed method 2 (password). Write-only: the password never reaches state or plan files.
  administrator_login               = var.password_auth_enabled ? var.administrator_login : null
  administrator_password_wo         = var.password_auth_enabled ? var.administrator_password : null
  administrator_password_wo_version = var.password_auth_enabled ? var.administrator_password_version : null

  # Seed method 1 (Entra ID tokens) always on; password logins optional.
  # 164.312(a)(2)(i) unique user identification, 164.312(d) person or entity authentication.
  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = var.password_auth_enabled
    tenant_id                     = local.tenant_id
  }

  # Point-in-time restore window at Azure's maximum, copied to the paired region.
  # Geo-redundancy can only be chosen when the server is created.
  backup_retention_days        = 35
  geo_redundant_backup_enabled = true

  public_network_access_enabled = var.network_mode == "public"
  delegated_subnet_id           = local.delegated_subnet_id
  private_dns_zone_id           = local.private_access ? azurerm_private_dns_zone.postgres[0].id : null

  dynamic "high_availability" {
    for_each = local.high_availability_mode == "Disabled" ? [] : [local.high_availability_mode]

    content {
      mode                      = high_availability.value
      standby_availability_zone = high_availability.value == "ZoneRedundant" ? var.standby_zone : null
    }
  }

  maintenance_window {
    day_of_week  = var.maintenance_window.day_of_week
    start_hour   = var.maintenance_window.start_hour
    start_minute = var.maintenance_window.start_minute
  }

  tags = local.tags

  depends_on = [azurerm_private_dns_zone_virtual_network_link.postgres]

  lifecycle {
    # The server holds PHI: `terraform destroy` must not be one keystroke away.
    prevent_destroy = true

    # After a fail-over Azure swaps the zones; do not fail back on the next apply.
    ignore_changes = [
      zone,
      high_availability[0].standby_availability_zone,
    ]

    precondition {
      condition     = local.high_availability_mode == "Disabled" || !startswith(var.sku_name, "B_")
      error_message = "High availability needs a General Purpose (GP_) or Memory Optimized (MO_) SKU; Burstable (B_) cannot run a standby."
    }
  }
}

# Seed method 1: thomas@edouardoxkair.onmicrosoft.com (by default) administers the server
# with Entra ID tokens. Azure creates his database role, a member of azure_pg_admin.
resource "azurerm_postgresql_flexible_server_active_directory_administrator" "entra_admin" {
  server_name         = azurerm_postgresql_flexible_server.this.name
  resource_group_name = local.resource_group_name
  tenant_id           = local.tenant_id
  object_id           = var.entra_admin_object_id
  principal_name      = var.entra_admin_principal_name
  principal_type      = var.entra_admin_principal_type
}

# Optional (default off, see variables.tf): the application database through the Azure API.
resource "azurerm_postgresql_flexible_server_database" "app" {
  count = var.create_database ? 1 : 0

  name      = var.database_name
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "en_US.utf8"

  # Create it only once an administrator exists, so that it is not owned by azuresu.
  depends_on = [azurerm_postgresql_flexible_server_active_directory_administrator.entra_admin]

  lifecycle {
    prevent_destroy = true
  }
}

# ─────────────────────────────────────────────────────────────────────────────
# Server parameters. The provider serialises changes per server and restarts the server
# after a static parameter (shared_preload_libraries) changes.
# ─────────────────────────────────────────────────────────────────────────────

# 164.312(e)(1), (e)(2)(ii): no plaintext connections at all.
resource "azurerm_postgresql_flexible_server_configuration" "require_secure_transport" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "on"
}

# 164.312(e)(2)(ii): TLS 1.3 by default (every suite AEAD); 1.2 only when a client needs it.
resource "azurerm_postgresql_flexible_server_configuration" "ssl_min_protocol_version" {
  name      = "ssl_min_protocol_version"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = var.ssl_min_protocol_version
}

# 164.312(b): load pgaudit (static parameter: the server restarts).
resource "azurerm_postgresql_flexible_server_configuration" "shared_preload_libraries" {
  name      = "shared_preload_libraries"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = join(",", var.shared_preload_libraries)
}

# Extensions an administrator may CREATE: pg_trgm and unaccent for the schema's
# institution search, pgaudit for auditing, pgcrypto.
resource "azurerm_postgresql_flexible_server_configuration" "azure_extensions" {
  name      = "azure.extensions"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = join(",", [for e in var.allowed_extensions : upper(e)])
}

# 164.312(b): session audit of data changes, DDL and privilege changes.
resource "azurerm_postgresql_flexible_server_configuration" "pgaudit_log" {
  name      = "pgaudit.log"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = join(",", var.pgaudit_log)

  # pgaudit.* parameters exist only once pgaudit is preloaded.
  depends_on = [azurerm_postgresql_flexible_server_configuration.shared_preload_libraries]
}

# Keep PHI out of the logs: statements are logged, their bound parameter values are not.
resource "azurerm_postgresql_flexible_server_configuration" "pgaudit_log_parameter" {
  name      = "pgaudit.log_parameter"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "off"

  depends_on = [azurerm_postgresql_flexible_server_configuration.shared_preload_libraries]
}

# 164.312(b) and HHS audit guidance: log-on attempts, log-on IDs, times, client addresses.
resource "azurerm_postgresql_flexible_server_configuration" "log_connections" {
  name      = "log_connections"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_configuration" "log_disconnections" {
  name      = "log_disconnections"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "on"
}

# 164.312(d): slow down password guessing (Azure throttles repeated failed logins per IP).
resource "azurerm_postgresql_flexible_server_configuration" "connection_throttle" {
  name      = "connection_throttle.enable"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "on"
}

# 164.312(d): new and changed passwords are stored as SCRAM verifiers, never MD5.
resource "azurerm_postgresql_flexible_server_configuration" "password_encryption" {
  count = var.manage_password_encryption ? 1 : 0

  name      = "password_encryption"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "scram-sha-256"
}
