# Audit controls (HIPAA 164.312(b)): the server's logs (connections, disconnections,
# pgaudit "AUDIT:" lines, errors) go to a Log Analytics workspace, AzureDiagnostics table.
#
# Six-year retention (164.316(b)(2)): a workspace keeps data interactively for at most
# 730 days; beyond that the table's archive tier (total_retention_in_days) keeps it,
# searchable by search jobs or restore. Optionally the same logs also go to a storage
# account protected by a locked time-based immutability policy (tamper-proof copy).

resource "azurerm_log_analytics_workspace" "this" {
  name                = "${var.name_prefix}-logs"
  location            = var.location
  resource_group_name = local.resource_group_name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_analytics_retention_days
  tags                = local.tags
}

resource "azurerm_log_analytics_workspace_table" "azure_diagnostics" {
  count = var.manage_audit_log_table_retention ? 1 : 0

  workspace_id            = azurerm_log_analytics_workspace.this.id
  name                    = "AzureDiagnostics"
  retention_in_days       = var.log_analytics_retention_days
  total_retention_in_days = var.audit_log_total_retention_days
}

resource "azurerm_monitor_diagnostic_setting" "postgres" {
  name                       = "${var.server_name}-audit-logs"
  target_resource_id         = azurerm_postgresql_flexible_server.this.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id
  storage_account_id         = var.audit_log_archive_storage_account_id

  # PostgreSQL server logs: log_connections / log_disconnections lines, pgaudit AUDIT
  # lines, errors. (Statements' parameter values are not logged: pgaudit.log_parameter=off.)
  enabled_log {
    category = "PostgreSQLLogs"
  }
}
