# Outputs: where the server is and the .env.local lines of the seed's two methods.
# No secret is output: the password of method 2 comes from your secret store, the token
# of method 1 is fetched by the application (OXKAIR_PG_AUTH=entra) for every connection.

output "server_fqdn" {
  description = "Host name of the server (PGHOST)."
  value       = azurerm_postgresql_flexible_server.this.fqdn
}

output "server_id" {
  description = "Resource ID of the server."
  value       = azurerm_postgresql_flexible_server.this.id
}

output "database_name" {
  description = "Database that holds the application's data (PGDATABASE)."
  value       = var.database_name
}

output "entra_admin_principal_name" {
  description = "Database role name of the Entra administrator (seed method 1 PGUSER)."
  value       = var.entra_admin_principal_name
}

output "env_local_entra" {
  description = "Seed method 1 (Microsoft Entra ID token) as .env.local lines."
  value       = <<-EOT
    PGHOST=${azurerm_postgresql_flexible_server.this.fqdn}
    PGUSER=${var.entra_admin_principal_name}
    PGPORT=5432
    PGDATABASE=${var.database_name}
    OXKAIR_PG_AUTH=entra
    PGSSLMODE=verify-full
    PGSSLROOTCERT=${var.client_ssl_root_cert_path}
  EOT
}

output "env_local_password" {
  description = "Seed method 2 (password) as .env.local lines; put the real password in place of the placeholder, from your secret store."
  value = var.password_auth_enabled ? join("\n", [
    "PGHOST=${azurerm_postgresql_flexible_server.this.fqdn}",
    "PGUSER=${var.administrator_login}",
    "PGPORT=5432",
    "PGDATABASE=${var.database_name}",
    "PGPASSWORD={your-password}",
    "OXKAIR_PG_AUTH=password",
    "PGSSLMODE=verify-full",
    "PGSSLROOTCERT=${var.client_ssl_root_cert_path}",
    "",
  ]) : "# password authentication is disabled (password_auth_enabled = false): use env_local_entra\n"
}

output "log_analytics_workspace_id" {
  description = "Log Analytics workspace receiving the PostgreSQL and pgaudit logs."
  value       = azurerm_log_analytics_workspace.this.id
}

output "backup_vault_id" {
  description = "Azure Backup vault holding the long-term (6-year) backups."
  value       = azurerm_data_protection_backup_vault.this.id
}

output "backup_policy_id" {
  description = "Weekly/monthly/yearly long-term backup policy."
  value       = azurerm_data_protection_backup_policy_postgresql_flexible_server.ltr.id
}

output "backup_instance_id" {
  description = "Backup instance protecting the server."
  value       = azurerm_data_protection_backup_instance_postgresql_flexible_server.this.id
}
