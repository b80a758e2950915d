/**
 * JDK Flight Recorder events for Echo: {@link land.echo.jfr.JfrListener} commits one event per
 * root effect; the scheduler commits steal and park events. JFR is part of the JDK, so this
 * package needs no dependency.
 */
package land.echo.jfr;
