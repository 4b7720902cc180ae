// Thumbnails swap the main picture; without script they open the full image.
document.querySelectorAll('a[data-gallery]').forEach(function (link) {
  link.addEventListener('click', function (e) {
    var main = document.getElementById('main-image');
    var img = link.querySelector('img');
    if (!main || !img) return;
    e.preventDefault();
    main.src = link.getAttribute('href');
    main.alt = img.alt;
    // An uploaded picture comes in sizes: the main picture takes the thumbnail's whole set.
    var source = main.parentElement && main.parentElement.tagName === 'PICTURE' ? main.parentElement.querySelector('source') : null;
    var webp = link.getAttribute('data-webp'), fallback = link.getAttribute('data-srcset');
    if (fallback) main.srcset = fallback; else main.removeAttribute('srcset');
    if (source) { if (webp) source.srcset = webp; else source.removeAttribute('srcset'); }
  });
});
