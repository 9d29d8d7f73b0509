"""Pictures in: ``image.load`` reads a still from the input folders, ``image.animate`` moves it
with a camera and depth parallax (image-to-video on any CPU, a depth model when you have one)."""
