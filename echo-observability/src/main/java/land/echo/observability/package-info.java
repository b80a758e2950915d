/**
 * What the bindings of Echo observability share: {@link land.echo.observability.NameTags}, the
 * bound on how many distinct effect names become tag values.
 */
package land.echo.observability;
