// Dropping a picture, a video or a sound on the canvas: the file is uploaded (POST /api/uploads)
// and the matching load node is placed where it was dropped, its `file` parameter set to the
// uploaded name. A PNG or a video that carries a workflow (one Reelgraph wrote) still opens as
// that workflow, as before.

import { workflowFromFile } from "./embedded.js";

export const LOAD_NODES = { image: "image.load", video: "video.load", audio: "audio.load" };

const EXTENSIONS = {
  image: ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"],
  video: ["mp4", "m4v", "mov", "webm", "mkv", "avi"],
  audio: ["wav", "flac", "ogg", "oga", "opus", "mp3", "m4a", "aac"],
};

/** "image" | "video" | "audio" for a media file (by its MIME type, else its extension), or null. */
export function mediaKind(file) {
  const major = (file.type || "").split("/")[0];
  if (major in LOAD_NODES) return major;
  const ext = file.name.toLowerCase().split(".").pop();
  return Object.keys(EXTENSIONS).find((kind) => EXTENSIONS[kind].includes(ext)) ?? null;
}

/** The workflow a media file carries, or null when it is only media. */
export async function embeddedWorkflow(file) {
  try {
    const wf = await workflowFromFile(file);
    return wf && typeof wf === "object" && wf.nodes ? wf : null;
  } catch {
    return null;
  }
}

/** The name a load node's `file` parameter takes for an upload response ({name, subfolder}). */
export function uploadedName(response) {
  return response.subfolder ? `${response.subfolder}/${response.name}` : response.name;
}
