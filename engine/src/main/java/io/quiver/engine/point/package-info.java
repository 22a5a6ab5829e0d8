/**
 * What a point is: its id, its named vectors and its JSON payload, validated before anything is
 * logged.
 */
package io.quiver.engine.point;
