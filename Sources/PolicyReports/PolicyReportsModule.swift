/// PolicyReports: PolicyReport / ClusterPolicyReport documents built from rule results (placeholder).
enum PolicyReportsModule {}
