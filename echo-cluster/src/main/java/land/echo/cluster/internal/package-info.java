/** The cluster's wire records and their Compact serializers; not exported. */
package land.echo.cluster.internal;
