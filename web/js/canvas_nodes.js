// Node classes generated from catalog contracts, for the canvas layer (used by canvas.js,
// which hands in litegraph's LGraphNode and RenderShape so that only canvas.js imports it).
//
// A class builds its sockets from the contract's inputs and outputs, its widgets from the
// param schema (widgets.js → canvas_widgets.js) and a socket for every linkable parameter,
// and paints run state and previews through canvas_draw.js. Unknown types get a stand-in
// that keeps their params and links.

import { widgetSpecs } from "./widgets.js";
import { addAdvancedToggle, addParamWidget } from "./canvas_widgets.js";
import { drawDecorations, drawPreview } from "./canvas_draw.js";
import { THEME, categoryColour } from "./theme.js";

/** Below this zoom, nodes are drawn as plain boxes with titles (no widgets, no sockets). */
const FAR_ZOOM = 0.3;

/** A litegraph node class generated from one catalog contract. */
export function nodeClassFor({ LGraphNode, RenderShape }, contract, surface) {
  const specs = widgetSpecs(contract);
  const titleColour = categoryColour(contract.category);
  class CatalogNode extends LGraphNode {
    static title = contract.title;
    static desc = contract.description;

    constructor(title) {
      super(title ?? contract.title);
      this.serialize_widgets = true;
      this.properties = { id: "" };
      this.rg = { state: null, errors: null, preview: null };
      this.color = titleColour;
      for (const [name, input] of Object.entries(contract.inputs ?? {})) {
        this.addInput(name, input.type, {
          label: name.replaceAll("_", " "),
          tooltip: input.description,
          shape: input.optional ? RenderShape.HollowCircle : undefined,
        });
      }
      for (const [name, output] of Object.entries(contract.outputs ?? {})) {
        this.addOutput(name, output.type, { label: name.replaceAll("_", " "), tooltip: output.description });
      }
      for (const spec of specs) {
        addParamWidget(this, spec, undefined, surface);
        if (spec.linkType) this.addInput(spec.name, spec.linkType, { widget: { name: spec.name }, label: spec.label });
      }
      const advanced = specs.filter((s) => s.advanced).length;
      if (advanced) addAdvancedToggle(this, advanced);
      const size = this.computeSize();
      this.size = [Math.max(size[0], THEME.nodeWidth), size[1]];
    }

    /** Show or hide the advanced parameters, and fit the node's height to what is shown. */
    toggleAdvanced() {
      this.showAdvanced = !this.showAdvanced;
      this.rg.sizing = true;
      this.setSize([this.size[0], this.computeSize()[1] + (this.rg.slot ?? 0)]);
      this.rg.sizing = false;
      this.setDirtyCanvas(true, true);
      surface.touch();
    }

    onNodeTitleDblClick() {
      surface.renameNode(this);
    }

    /** A resize by hand while a preview shows changes the preview slot, not the saved size. */
    onResize(size) {
      const last = this.rg.lastHeight ?? size[1];
      this.rg.lastHeight = size[1];
      if (this.rg.sizing || !this.rg.slot) return;
      this.rg.slot = Math.max(0, this.rg.slot + size[1] - last);
    }

    onDrawForeground(ctx, canvas) {
      drawDecorations(this, ctx, canvas?.low_quality);
    }

    // The preview is painted here, under the widgets: litegraph lays the widgets out for this
    // frame just before, so the preview always starts below them (even on a node never drawn before).
    // Zoomed far out, widgets and sockets are specks: skip them so big graphs pan smoothly.
    drawWidgets(ctx, options) {
      drawPreview(this, ctx, surface.canvas.low_quality);
      if (surface.canvas.ds.scale >= FAR_ZOOM) super.drawWidgets(ctx, options);
    }

    drawSlots(ctx, options) {
      if (surface.canvas.ds.scale >= FAR_ZOOM) super.drawSlots(ctx, options);
    }
  }
  return CatalogNode;
}

/**
 * A node whose type the catalog does not know (a file from another install): kept with its
 * params and links so that saving does not lose them, and drawn in the error colour.
 */
export function missingNodeClass({ LGraphNode }) {
  class MissingNode extends LGraphNode {
    static title = "Missing node";

    constructor(title) {
      super(title);
      this.properties = { id: "" };
      this.rg = { state: null, errors: null, preview: null, note: null };
      this.color = "#5c2f2f";
      this.bgcolor = "#2a1d1f";
      this.size = [THEME.nodeWidth, 60];
    }

    becomeMissing(type, opts) {
      this.rgType = type;
      this.rgTitle = opts.title;
      this.rgExtraParams = { ...(opts.params ?? {}) };
      this.title = `${opts.title ?? type} (unknown type)`;
      this.rg.note = `No node type “${type}” on this server; kept as it was so that saving loses nothing.`;
    }

    addMissingSlot(kind, name) {
      if (kind === "input") this.addInput(name, "*");
      else this.addOutput(name, "*");
      return kind === "input" ? this.inputs.length - 1 : this.outputs.length - 1;
    }

    onDrawForeground(ctx, canvas) {
      drawDecorations(this, ctx, canvas?.low_quality);
    }
  }
  return MissingNode;
}
