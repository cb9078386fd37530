// Creates a MapLibre map of our own polygons with the settings both district maps share: no
// world copies, no rotation or pitch, two-finger gestures on touch screens, full attribution,
// zoom buttons, and control labels in the page's language.

import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

export interface MapControlStrings {
  zoomIn: string;
  zoomOut: string;
  toggleAttribution: string;
  cooperativeGestures: string;
}

export interface DistrictMapOptions {
  container: HTMLElement;
  style: maplibregl.StyleSpecification;
  bounds: [number, number, number, number];
  /** Space around the polygons in pixels. */
  padding: number;
  /** Accessible name of the map. */
  title: string;
  strings: MapControlStrings;
}

export function createDistrictMap(options: DistrictMapOptions): maplibregl.Map {
  maplibregl.setWorkerUrl(workerUrl);
  const map = new maplibregl.Map({
    container: options.container,
    style: options.style,
    bounds: options.bounds,
    fitBoundsOptions: { padding: options.padding },
    renderWorldCopies: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    cooperativeGestures: window.matchMedia('(pointer: coarse)').matches,
    attributionControl: { compact: false },
    locale: {
      'Map.Title': options.title,
      'NavigationControl.ZoomIn': options.strings.zoomIn,
      'NavigationControl.ZoomOut': options.strings.zoomOut,
      'AttributionControl.ToggleAttribution': options.strings.toggleAttribution,
      'CooperativeGesturesHandler.MobileHelpText': options.strings.cooperativeGestures,
    },
  });

  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  return map;
}
